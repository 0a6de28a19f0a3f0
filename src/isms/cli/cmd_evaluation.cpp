// isms metric … | audit … | review … | readiness — performance evaluation and improvement (27001 9.1–10.2) and
// certification readiness (docs/evaluation.md). The records themselves (metrics, audits, findings,
// nonconformities, corrective actions, improvements, reviews) are created and moved with `isms record`.
// `audit independence` and `readiness` exit 1 when their check fails, so CI can gate on them.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "isms/cli/cli.hpp"
#include "isms/cli/options.hpp"
#include "isms/core/error.hpp"
#include "isms/io/report.hpp"
#include "isms/oscal/document.hpp"
#include "isms/records/values.hpp"

namespace isms::cli {

namespace {

std::string Num(double v) {
    std::string s = fmt::format("{:.4f}", v);
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

std::string Extension(const std::string& path) {
    auto ext = std::filesystem::path(path).extension().string();
    return ext.empty() ? "" : ext.substr(1);
}

// A report to -o FILE (format from --format or the file's extension; html by default) or standard output.
void EmitReport(const io::Report& r, const std::string& out, std::string format) {
    if (format.empty()) format = Extension(out).empty() ? "html" : Extension(out);
    if (format != "html" && format != "pdf")
        throw Error::InvalidInput(fmt::format("unknown report format '{}'", format),
                                  {{"--to", "unknown format", {"html", "pdf"}}});
    WriteOutput(out, format == "pdf" ? io::RenderPdf(r) : io::RenderHtml(r));
}

// --set field=value pairs converted by the record type's field types.
Json Fields(app::App& app, const std::string& type, const std::vector<std::string>& sets) {
    const auto& t = app.record_types().Get(type);
    Json data = Json::object();
    for (const auto& s : sets) {
        auto eq = s.find('=');
        if (eq == std::string::npos || eq == 0)
            throw Error::InvalidInput(fmt::format("--set '{}': write field=value", s), {{"set", "field=value"}});
        std::string name = s.substr(0, eq), text = s.substr(eq + 1);
        const auto* f = t.Field(name);
        std::vector<ErrorDetail> unreadable;
        Json v = f ? records::ValueFromText(*f, text, unreadable) : Json(text);
        data[name] = unreadable.empty() ? v : Json(text);
    }
    return data;
}

void PrintMeasurements(const std::vector<evaluation::Measurement>& ms, const Globals& g) {
    if (g.format == "json") {
        Json a = Json::array();
        for (const auto& m : ms) a.push_back(m.ToJson());
        return PrintJson(a);
    }
    io::Table t{{"metric", "date", "value", "note", "source", "recorded_by"}, {}};
    for (const auto& m : ms) t.rows.push_back({m.metric_id, m.date, Num(m.value), m.note, m.source, m.recorded_by});
    Print(t, g);
}

void PrintChecklist(const std::vector<evaluation::ChecklistItem>& items, const Globals& g) {
    if (g.format == "json") {
        Json a = Json::array();
        for (const auto& i : items) a.push_back(i.ToJson());
        return PrintJson(a);
    }
    io::Table t{{"item", "ref", "title", "result", "evidence", "finding"}, {}};
    for (const auto& i : items) t.rows.push_back({i.id, i.ref, i.title, i.result, i.evidence, i.finding});
    Print(t, g);
}

void RegisterMetric(CLI::App& root, Globals& g) {
    auto* metric = root.add_subcommand("metric", "measurements of metrics: record, import, show, chart (27001 9.1)");
    metric->require_subcommand(1);
    struct Opts {
        std::string id, file, date, unit, note, source, out;
        double value = 0;
        bool retired = false, sparkline = false;
    };
    auto o = std::make_shared<Opts>();

    metric->add_subcommand("list", "every metric with its latest value, status and trend")
        ->callback([&g, o] {
            auto app = OpenApp(g);
            auto all = app->metrics().Overview(CliContext(*app, g), o->retired);
            if (g.format == "json") {
                Json a = Json::array();
                for (const auto& m : all) a.push_back(m.ToJson(false));
                return PrintJson(a);
            }
            io::Table t{{"metric", "name", "latest", "target", "status", "trend", "measured", "due"}, {}};
            for (const auto& m : all)
                t.rows.push_back({m.spec.id, m.spec.name, m.latest ? Num(m.latest->value) + " " + m.spec.unit : "",
                                  (m.spec.higher_is_better ? ">= " : "<= ") + Num(m.spec.target), m.status,
                                  m.trend.direction, m.latest ? m.latest->date : "", m.record.next_review.value_or("")});
            Print(t, g);
        })
        ->add_flag("--retired", o->retired, "include retired metrics");

    auto* show = metric->add_subcommand("show", "one metric's status, trend and measurements");
    show->add_option("metric", o->id, "metric id")->required();
    show->callback([&g, o] {
        auto app = OpenApp(g);
        auto s = app->metrics().Summary(CliContext(*app, g), o->id);
        if (g.format == "json") return PrintJson(s.ToJson(true));
        Say(g, fmt::format("{} {}: {} (target {} {} {}), trend {} over {} points", s.spec.id, s.spec.name, s.status,
                           s.spec.higher_is_better ? ">=" : "<=", Num(s.spec.target), s.spec.unit, s.trend.direction,
                           s.trend.points));
        PrintMeasurements(s.series, g);
    });

    auto* add = metric->add_subcommand("add", "record a measurement (a date that has one is replaced)");
    add->add_option("metric", o->id, "metric id")->required();
    add->add_option("value", o->value, "the measured value")->required();
    add->add_option("--date", o->date, "YYYY-MM-DD (default today)");
    add->add_option("--unit", o->unit, "the unit, checked against the metric's");
    add->add_option("--note", o->note, "a remark");
    add->add_option("--source", o->source, "where the value comes from (default: manual)");
    add->callback([&g, o] {
        auto app = OpenApp(g);
        evaluation::MeasurementInput in;
        in.date = o->date;
        in.value = o->value;
        in.unit = o->unit;
        in.note = o->note;
        in.source = o->source;
        auto ctx = CliContext(*app, g);
        auto stored = app->metrics().Record(ctx, o->id, {in}, "manual");
        if (g.format == "json") return PrintMeasurements(stored, g);
        auto s = app->metrics().Summary(ctx, o->id);
        Say(g, fmt::format("{} {} = {} {}: {}, trend {}", s.spec.id, stored[0].date, Num(stored[0].value), s.spec.unit,
                           s.status, s.trend.direction));
    });

    auto* imp = metric->add_subcommand("import", "import measurements from CSV: date,value[,unit,note,source]; "
                                                 "without METRIC the file needs a metric column");
    auto import_args = std::make_shared<std::vector<std::string>>();
    imp->add_option("args", *import_args, "[METRIC] FILE ('-' for standard input)")->expected(1, 2)->required();
    imp->callback([&g, import_args] {
        auto app = OpenApp(g);
        std::string id = import_args->size() == 2 ? import_args->front() : "";
        auto stored = app->metrics().ImportCsv(CliContext(*app, g), id, ReadInput(import_args->back()));
        if (g.format == "json") return PrintMeasurements(stored, g);
        Say(g, fmt::format("imported {} measurement{}", stored.size(), stored.size() == 1 ? "" : "s"));
    });

    auto* remove = metric->add_subcommand("remove", "remove the measurement of a date");
    remove->add_option("metric", o->id, "metric id")->required();
    remove->add_option("date", o->date, "YYYY-MM-DD")->required();
    remove->callback([&g, o] {
        auto app = OpenApp(g);
        app->metrics().Remove(CliContext(*app, g), o->id, o->date);
        Say(g, fmt::format("removed the measurement of {} from {}", o->date, o->id));
    });

    auto* chart = metric->add_subcommand("chart", "the measurements as an SVG chart with the target");
    chart->add_option("metric", o->id, "metric id")->required();
    chart->add_option("-o,--output", o->out, "write here instead of standard output");
    chart->add_flag("--sparkline", o->sparkline, "small, without axes");
    chart->callback([&g, o] {
        auto app = OpenApp(g);
        WriteOutput(o->out, evaluation::MetricChartSvg(app->metrics().Summary(CliContext(*app, g), o->id), o->sparkline));
    });
}

void RegisterAudit(CLI::App& root, Globals& g) {
    auto* audit = root.add_subcommand("audit", "internal audits: checklist, independence, report, nonconformities "
                                               "(27001 9.2)");
    audit->require_subcommand(1);
    struct Opts {
        std::string id, item, out, format, title, question, ref;
        OptionalString result, evidence, notes, finding, new_question;
        OptionalInt if_version;
        bool generate = false;
        std::vector<std::string> sets;
    };
    auto o = std::make_shared<Opts>();

    auto* checklist = audit->add_subcommand("checklist", "show the checklist, or generate it from the clauses and "
                                                         "applicable controls in scope");
    checklist->add_option("audit", o->id, "audit id")->required();
    checklist->add_flag("--generate", o->generate, "generate (again): answered items are kept");
    checklist->callback([&g, o] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        if (!o->generate) return PrintChecklist(app->audits().Checklist(ctx, o->id), g);
        auto gen = app->audits().Generate(ctx, o->id);
        if (g.format == "json") return PrintJson(gen.ToJson());
        PrintChecklist(gen.items, g);
        Say(g, fmt::format("{} items: {} added, {} kept, {} removed", gen.items.size(), gen.added, gen.kept,
                           gen.removed));
        if (!gen.skipped_controls.empty())
            Say(g, "skipped (not applicable in the SoA): " + [&] {
                std::string s;
                for (const auto& c : gen.skipped_controls) s += (s.empty() ? "" : ", ") + c;
                return s;
            }());
    });

    auto* answer = audit->add_subcommand("answer", "answer or edit a checklist item");
    answer->add_option("audit", o->id, "audit id")->required();
    answer->add_option("item", o->item, "item id (Q1, Q2, …)")->required();
    o->result.Add(answer, "--result", "not_checked, conforming, nonconforming, observation or not_applicable");
    o->evidence.Add(answer, "--evidence", "evidence seen (documents, records, interviews, samples)");
    o->notes.Add(answer, "--notes", "notes");
    o->finding.Add(answer, "--finding", "the finding raised on this item");
    o->new_question.Add(answer, "--question", "replace the question");
    o->if_version.Add(answer, "--if-version", "fail unless the item is still at this version");
    answer->callback([&g, o] {
        auto app = OpenApp(g);
        evaluation::ChecklistEdit e;
        e.result = o->result.get();
        e.evidence = o->evidence.get();
        e.notes = o->notes.get();
        e.finding = o->finding.get();
        e.question = o->new_question.get();
        std::optional<int64_t> v;
        if (o->if_version.given()) v = o->if_version.value;
        auto i = app->audits().EditItem(CliContext(*app, g), o->id, o->item, e, v);
        if (g.format == "json") return PrintJson(i.ToJson());
        Say(g, fmt::format("{} {}: {} (version {})", o->id, i.id, i.result, i.version));
    });

    auto* ask = audit->add_subcommand("add-question", "add a question of your own to the checklist");
    ask->add_option("audit", o->id, "audit id")->required();
    ask->add_option("--title", o->title, "short title")->required();
    ask->add_option("--question", o->question, "the question")->required();
    ask->add_option("--ref", o->ref, "the clause or control it concerns");
    ask->callback([&g, o] {
        auto app = OpenApp(g);
        auto i = app->audits().AddItem(CliContext(*app, g), o->id, o->title, o->question, o->ref);
        if (g.format == "json") return PrintJson(i.ToJson());
        Say(g, fmt::format("added {} to {}", i.id, o->id));
    });

    auto* indep = audit->add_subcommand("independence", "check the auditors' independence: exit 1 on a conflict");
    indep->add_option("audit", o->id, "audit id")->required();
    indep->callback([&g, o] {
        auto app = OpenApp(g);
        auto c = app->audits().Independence(CliContext(*app, g), o->id);
        if (g.format == "json") {
            PrintJson(c.ToJson());
        } else if (c.ok()) {
            std::string who;
            for (const auto& a : c.auditors) who += (who.empty() ? "" : ", ") + a;
            Say(g, fmt::format("independence OK: {} audit nothing of their own", who.empty() ? "nobody" : who));
        } else {
            io::Table t{{"person", "field", "conflict"}, {}};
            for (const auto& k : c.conflicts) t.rows.push_back({k.person, k.field, k.reason});
            Print(t, g);
        }
        if (!c.ok()) throw CLI::RuntimeError(1);
    });

    auto* report = audit->add_subcommand("report", "the audit report as printable HTML or PDF");
    report->add_option("audit", o->id, "audit id")->required();
    report->add_option("-o,--output", o->out, "write here (.html or .pdf) instead of standard output");
    report->add_option("--to", o->format, "html or pdf (default: from -o, else html)");
    report->callback([&g, o] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto org = app->organisations().FindBySlugOrId(ctx.org_id);
        EmitReport(app->audits().Report(ctx, o->id, org ? org->name : ctx.org_id), o->out, o->format);
    });

    auto* nc = audit->add_subcommand("raise-nc", "record a nonconformity finding as a nonconformity (10.2)");
    nc->add_option("finding", o->id, "finding id")->required();
    nc->add_option("--set", o->sets, "field=value of the nonconformity (owner, due_date, correction, …)");
    nc->callback([&g, o] {
        auto app = OpenApp(g);
        auto r = app->audits().RaiseNonconformity(CliContext(*app, g), o->id, Fields(*app, "nonconformity", o->sets));
        if (g.format == "json") return PrintJson(records::ToJson(r));
        Say(g, fmt::format("recorded {} for finding {}", r.id, o->id));
    });
}

void RegisterReview(CLI::App& root, Globals& g) {
    auto* review = root.add_subcommand("review", "management reviews: compile the inputs, the pack, outputs (27001 9.3)");
    review->require_subcommand(1);
    struct Opts {
        std::string id, out, format, cut_off;
        int compilation = 0;
        std::vector<std::string> sets;
        std::string title, description, owner, due, kind = "improvement";
    };
    auto o = std::make_shared<Opts>();

    auto* compile = review->add_subcommand("compile", "compile the review's inputs as of its cut-off date");
    compile->add_option("review", o->id, "management review id")->required();
    compile->add_option("--cut-off", o->cut_off, "store this cut-off date (YYYY-MM-DD, not in the future) first");
    compile->callback([&g, o] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto org = app->organisations().FindBySlugOrId(ctx.org_id);
        std::optional<std::string> cut;
        if (!o->cut_off.empty()) cut = o->cut_off;
        auto p = app->reviews().Compile(ctx, o->id, org ? org->name : ctx.org_id, cut);
        if (g.format == "json") return PrintJson(p.ToJson());
        io::Table t{{"section", "title", "summary"}, {}};
        for (const auto& s : p.pack["sections"])
            t.rows.push_back({s.value("id", ""), s.value("title", ""), s.value("summary", "")});
        Print(t, g);
        Say(g, fmt::format("compilation {} of {} as of {} (sha256 {})", p.compilation, o->id, p.cut_off,
                           p.sha256.substr(0, 16)));
    });

    auto* pack = review->add_subcommand("pack", "the compiled pack: JSON, or printable HTML or PDF");
    pack->add_option("review", o->id, "management review id")->required();
    pack->add_option("-o,--output", o->out, "write here (.json, .html or .pdf) instead of standard output");
    pack->add_option("--to", o->format, "json, html or pdf (default: from -o, else json)");
    pack->add_option("--compilation", o->compilation, "an earlier compilation (default: the newest)");
    pack->callback([&g, o] {
        auto app = OpenApp(g);
        auto p = app->reviews().Pack(CliContext(*app, g), o->id, o->compilation);
        std::string format = o->format.empty() ? (Extension(o->out).empty() ? "json" : Extension(o->out)) : o->format;
        if (format == "json") return WriteOutput(o->out, p.ToJson().dump(2) + "\n");
        EmitReport(evaluation::PackReport(p.pack), o->out, format);
    });

    auto* output = review->add_subcommand("output", "record a decision as a tracked improvement (9.3.3)");
    output->add_option("review", o->id, "management review id")->required();
    output->add_option("--title", o->title, "the decision")->required();
    output->add_option("--description", o->description, "what is to be done and why")->required();
    output->add_option("--owner", o->owner, "person id or e-mail")->required();
    output->add_option("--due", o->due, "due date");
    output->add_option("--kind", o->kind, "improvement, change_to_isms, resource_need or other")->capture_default_str();
    output->add_option("--set", o->sets, "more fields: field=value");
    output->callback([&g, o] {
        auto app = OpenApp(g);
        Json f = Fields(*app, "improvement", o->sets);
        f["title"] = o->title;
        f["description"] = o->description;
        f["owner"] = o->owner;
        f["kind"] = o->kind;
        if (!o->due.empty()) f["due_date"] = o->due;
        auto r = app->reviews().AddOutput(CliContext(*app, g), o->id, f);
        if (g.format == "json") return PrintJson(records::ToJson(r));
        Say(g, fmt::format("recorded {} as an output of {}", r.id, o->id));
    });

    auto* outputs = review->add_subcommand("outputs", "the review's decisions and their state");
    outputs->add_option("review", o->id, "management review id")->required();
    outputs->callback([&g, o] {
        auto app = OpenApp(g);
        auto rs = app->reviews().Outputs(CliContext(*app, g), o->id);
        if (g.format == "json") {
            Json a = Json::array();
            for (const auto& r : rs) a.push_back(records::ToJson(r));
            return PrintJson(a);
        }
        io::Table t{{"id", "title", "kind", "owner", "due", "state"}, {}};
        for (const auto& r : rs)
            t.rows.push_back({r.id, r.title, r.data.value("kind", ""), r.data.value("owner", ""),
                              r.data.value("due_date", ""), r.state});
        Print(t, g);
    });
}

void RegisterReadiness(CLI::App& root, Globals& g) {
    static std::string clause;
    auto* cmd = root.add_subcommand("readiness", "certification readiness per clause 4–10 and Annex A; exit 1 when "
                                                 "mandatory documented information is missing");
    cmd->add_option("--clause", clause, "show the items of one clause (4 … 10, A)");
    cmd->callback([&g] {
        auto app = OpenApp(g);
        auto r = app->readiness().Assess(CliContext(*app, g));
        if (g.format == "json") {
            PrintJson(r.ToJson());
        } else if (clause.empty()) {
            io::Table t{{"clause", "title", "score", "met", "partial", "stale", "missing", "mandatory missing"}, {}};
            for (const auto& c : r.clauses) {
                int counts[4] = {0, 0, 0, 0}, mandatory = 0;
                for (const auto& i : c.items) {
                    counts[0] += i.status == "met";
                    counts[1] += i.status == "partial";
                    counts[2] += i.status == "stale";
                    counts[3] += i.status == "missing";
                    mandatory += i.mandatory && i.status == "missing";
                }
                t.rows.push_back({c.id, c.title, fmt::format("{}%", c.score), std::to_string(counts[0]),
                                  std::to_string(counts[1]), std::to_string(counts[2]), std::to_string(counts[3]),
                                  std::to_string(mandatory)});
            }
            Print(t, g);
            Say(g, fmt::format("overall {}%: {} of {} items met; {} mandatory documented information missing{}",
                               r.score, r.met, r.items, r.mandatory_missing,
                               r.ok() ? "" : " (isms readiness --clause N shows what)"));
        } else {
            auto it = std::find_if(r.clauses.begin(), r.clauses.end(), [&](const auto& c) { return c.id == clause; });
            if (it == r.clauses.end())
                throw Error::InvalidInput(fmt::format("no clause '{}' in the readiness report", clause),
                                          {{"--clause", "unknown", {"4", "5", "6", "7", "8", "9", "10", "A"}}});
            Say(g, fmt::format("{} {} — {}%. {}", it->id, it->title, it->score, it->hint));
            io::Table t{{"clause", "expected", "mandatory", "status", "found", "missing or stale"}, {}};
            for (const auto& i : it->items)
                t.rows.push_back({i.clause, i.expectation, i.mandatory ? i.documented_information : "", i.status, i.found,
                                  i.gap});
            Print(t, g);
        }
        if (!r.ok()) throw CLI::RuntimeError(1);
    });
}

// `isms oscal export assessment-plan AUDIT | assessment-results AUDIT`, beside the catalog, SoA and POA&M
// exports of cmd_oscal.cpp (registered before this file's commands).
void RegisterOscalExports(CLI::App& root, Globals& g) {
    auto* oscal_cmd = root.get_subcommand("oscal");
    auto* export_cmd = oscal_cmd->get_subcommand("export");
    struct Opts {
        std::string audit, out, format;
    };
    auto o = std::make_shared<Opts>();
    auto emit = [o](const oscal::Document& doc) {
        std::string name = o->format.empty() ? (Extension(o->out).empty() ? "json" : Extension(o->out)) : o->format;
        auto f = oscal::ParseFormat(name);
        if (!f)
            throw Error::InvalidInput(fmt::format("unknown OSCAL format '{}'", name),
                                      {{"--format", "unknown format", {"json", "xml", "yaml"}}});
        WriteOutput(o->out, oscal::Write(doc, *f));
    };
    auto org_name = [](app::App& app, const Context& ctx) {
        auto org = app.organisations().FindBySlugOrId(ctx.org_id);
        return org ? org->name : ctx.org_id;
    };
    auto* plan = export_cmd->add_subcommand("assessment-plan", "an internal audit as an assessment plan");
    auto* results = export_cmd->add_subcommand("assessment-results", "an internal audit's findings as assessment "
                                                                     "results");
    for (auto* c : {plan, results}) {
        c->add_option("audit", o->audit, "audit id")->required();
        c->add_option("--format", o->format, "json, xml or yaml (default: from -o, else json)");
        c->add_option("-o,--output", o->out, "write here instead of standard output");
    }
    plan->callback([&g, o, emit, org_name] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        emit(oscal::AssessmentPlanFromAudit(app->audits().OscalAudit(ctx, o->audit, org_name(*app, ctx))));
    });
    results->callback([&g, o, emit, org_name] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        emit(oscal::AssessmentResultsFromAudit(app->audits().OscalAudit(ctx, o->audit, org_name(*app, ctx))));
    });
}

}  // namespace

void RegisterEvaluation(CLI::App& root, Globals& g) {
    RegisterMetric(root, g);
    RegisterAudit(root, g);
    RegisterReview(root, g);
    RegisterReadiness(root, g);
    RegisterOscalExports(root, g);
}

}  // namespace isms::cli
