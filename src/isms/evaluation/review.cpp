#include "isms/evaluation/review.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "isms/core/crypto.hpp"
#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/evaluation/fields.hpp"
#include "isms/records/values.hpp"

namespace isms::evaluation {

using namespace fields;

using records::Record;
using store::V;

namespace {

std::string Plural(size_t n, const char* one, const char* many) { return fmt::format("{} {}", n, n == 1 ? one : many); }

std::string Num(double v) {
    std::string s = fmt::format("{:.2f}", v);
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

struct Section {
    std::string id, key, title, summary;
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> marks;
    Json items = Json::array();
    Json ToJson() const {
        return {{"id", id},       {"topic", key},   {"title", title}, {"summary", summary},
                {"columns", columns}, {"rows", rows}, {"marks", marks}, {"items", items}};
    }
};

bool Within(const std::string& date, const std::string& after, const std::string& until) {
    return !date.empty() && date <= until && (after.empty() || date > after);
}

// Compares two snapshots of a register: new, changed, ended (closed/retired/removed) and unchanged records.
void Changes(Section& s, const std::vector<Record>& now, const std::vector<Record>& before, bool first,
             const std::set<std::string>& ended_states) {
    std::map<std::string, const Record*> old;
    for (const auto& r : before) old[r.id] = &r;
    int added = 0, changed = 0, ended = 0, same = 0;
    std::set<std::string> seen;
    for (const auto& r : now) {
        seen.insert(r.id);
        auto it = old.find(r.id);
        std::string change;
        std::vector<std::string> fields;
        if (first) {
            change = "current";
        } else if (it == old.end()) {
            change = "new";
            ++added;
        } else if (it->second->data != r.data || it->second->state != r.state) {
            for (auto f = r.data.begin(); f != r.data.end(); ++f)
                if (!it->second->data.contains(f.key()) || it->second->data.at(f.key()) != f.value())
                    fields.push_back(f.key());
            for (auto f = it->second->data.begin(); f != it->second->data.end(); ++f)
                if (!r.data.contains(f.key())) fields.push_back(f.key());
            if (it->second->state != r.state) fields.push_back("state");
            bool now_ended = ended_states.count(r.state) && !ended_states.count(it->second->state);
            change = now_ended ? "ended" : "changed";
            ++(now_ended ? ended : changed);
        } else {
            change = "unchanged";
            ++same;
        }
        if (change == "unchanged") continue;
        s.rows.push_back({r.id, r.title, r.state, change, Join(fields)});
        s.marks.push_back(change == "new" ? "warn" : "");
        s.items.push_back({{"id", r.id}, {"title", r.title}, {"state", r.state}, {"change", change}, {"fields", fields}});
    }
    if (!first)
        for (const auto& r : before)
            if (!seen.count(r.id)) {
                ++ended;
                s.rows.push_back({r.id, r.title, r.state, "removed", ""});
                s.marks.push_back("");
                s.items.push_back({{"id", r.id}, {"title", r.title}, {"state", r.state}, {"change", "removed"},
                                   {"fields", Json::array()}});
            }
    s.columns = {"id", "title", "state", "change", "fields changed"};
    s.summary = first ? fmt::format("First review: {} recorded.", Plural(now.size(), "entry", "entries"))
                      : fmt::format("{} new, {} changed, {} ended, {} unchanged since the previous review.", added,
                                    changed, ended, same);
}

}  // namespace

Json CompilePack(const ReviewInputs& in) {
    auto name = [&](const std::string& id) {
        auto it = in.names.find(id);
        return it == in.names.end() ? id : it->second;
    };
    const std::string& cut = in.cut_off;
    const std::string& prev = in.previous_cut_off;
    bool first = in.previous_review_id.empty();
    std::string period = first ? fmt::format("up to {}", cut) : fmt::format("from {} to {}", prev, cut);
    std::vector<Section> sections;

    // a) Actions decided by earlier reviews.
    {
        Section s{"a", "previous_actions", "Status of actions from previous management reviews"};
        int done = 0, open = 0, overdue = 0;
        for (const auto& r : in.previous_outputs) {
            bool closed = r.state == "done" || r.state == "rejected" || r.state == "cancelled";
            std::string due = Text(r.data, "due_date");
            bool late = !closed && !due.empty() && due < cut;
            done += r.state == "done";
            open += !closed;
            overdue += late;
            s.rows.push_back({r.id, r.title, Text(r.data, "management_review"), name(Text(r.data, "owner")), due,
                              r.state + (late ? " (overdue)" : "")});
            s.marks.push_back(late ? "bad" : r.state == "done" ? "good" : "");
            s.items.push_back({{"id", r.id}, {"title", r.title}, {"review", Text(r.data, "management_review")},
                               {"owner", Text(r.data, "owner")}, {"due_date", due}, {"state", r.state},
                               {"overdue", late}});
        }
        s.columns = {"id", "action", "from review", "owner", "due", "state"};
        s.summary = in.previous_outputs.empty()
                        ? "No earlier review decided actions."
                        : fmt::format("{}: {} done, {} open ({} overdue).",
                                      Plural(in.previous_outputs.size(), "action", "actions"), done, open, overdue);
        sections.push_back(std::move(s));
    }
    // b) Issues.
    {
        Section s{"b", "issue_changes", "Changes in external and internal issues"};
        Changes(s, in.issues, in.issues_before, first, {"closed"});
        sections.push_back(std::move(s));
    }
    // c) Interested parties and their requirements.
    {
        Section s{"c", "party_changes", "Changes in needs and expectations of interested parties"};
        Section req{"c", "", ""};
        Changes(s, in.parties, in.parties_before, first, {"not_relevant"});
        Changes(req, in.requirements, in.requirements_before, first, {"rejected", "retired"});
        std::string party_summary = s.summary;
        for (size_t i = 0; i < req.rows.size(); ++i) {
            s.rows.push_back(req.rows[i]);
            s.marks.push_back(req.marks[i]);
            s.items.push_back(req.items[i]);
        }
        s.summary = "Interested parties: " + party_summary + " Requirements: " + req.summary;
        sections.push_back(std::move(s));
    }
    // d1) Nonconformities and corrective actions.
    {
        Section s{"d1", "nonconformities", "Nonconformities and corrective actions"};
        int open = 0, in_period = 0, before_period = 0, ca_open = 0, ca_overdue = 0, ca_unchecked = 0, ca_effective = 0;
        std::map<std::string, std::vector<const Record*>> actions;
        for (const auto& c : in.corrective_actions) actions[Text(c.data, "nonconformity")].push_back(&c);
        for (const auto& n : in.nonconformities) {
            std::string detected = Text(n.data, "detected_on");
            bool period_nc = Within(detected, prev, cut);
            in_period += period_nc;
            before_period += !period_nc && !prev.empty() && detected <= prev;
            bool is_open = n.state != "closed";
            open += is_open;
            if (!is_open && !period_nc && !Within(Text(n.data, "closed_on"), prev, cut)) continue;
            std::vector<std::string> ca_text;
            Json ca_items = Json::array();
            for (const Record* c : actions[n.id]) {
                std::string due = Text(c->data, "due_date");
                bool late = (c->state == "planned" || c->state == "in_progress") && !due.empty() && due < cut;
                ca_open += c->state != "closed" && c->state != "cancelled";
                ca_overdue += late;
                ca_unchecked += c->state == "implemented";
                ca_effective += c->state == "closed";
                ca_text.push_back(fmt::format("{} {}{}", c->id, c->state, late ? " (overdue)" : ""));
                ca_items.push_back({{"id", c->id}, {"title", c->title}, {"state", c->state}, {"due_date", due},
                                    {"overdue", late}, {"effectiveness_result", Text(c->data, "effectiveness_result")}});
            }
            s.rows.push_back({n.id, n.title, Text(n.data, "source"), Text(n.data, "severity"), detected, n.state,
                              Join(ca_text)});
            s.marks.push_back(is_open && Text(n.data, "severity") == "major" ? "bad" : is_open ? "warn" : "good");
            s.items.push_back({{"id", n.id}, {"title", n.title}, {"source", Text(n.data, "source")},
                               {"severity", Text(n.data, "severity")}, {"detected_on", detected}, {"state", n.state},
                               {"finding", Text(n.data, "finding")}, {"corrective_actions", ca_items}});
        }
        s.columns = {"id", "nonconformity", "source", "severity", "detected", "state", "corrective actions"};
        s.summary = fmt::format("{} {}{}; {} open. Corrective actions: {} open ({} overdue), {} awaiting the "
                                "effectiveness check, {} closed as effective.",
                                Plural(in_period, "nonconformity", "nonconformities"), period,
                                first ? "" : fmt::format(" ({} in the period before)", before_period), open, ca_open,
                                ca_overdue, ca_unchecked, ca_effective);
        sections.push_back(std::move(s));
    }
    // d2) Monitoring and measurement results.
    {
        Section s{"d2", "measurements", "Monitoring and measurement results"};
        std::map<std::string, int> by_status;
        for (const auto& m : in.metrics) {
            ++by_status[m.status];
            s.rows.push_back({m.spec.id, m.spec.name, m.latest ? Num(m.latest->value) + " " + m.spec.unit : "—",
                              (m.spec.higher_is_better ? "≥ " : "≤ ") + Num(m.spec.target) + " " + m.spec.unit,
                              m.status, m.trend.direction, m.latest ? m.latest->date : ""});
            s.marks.push_back(m.status == "on_target" ? "good" : m.status == "warning" ? "warn"
                              : m.status == "off_target" ? "bad" : "");
            Json series = Json::array();
            for (const auto& x : m.series) series.push_back({{"date", x.date}, {"value", x.value}});
            s.items.push_back({{"id", m.spec.id}, {"name", m.spec.name}, {"unit", m.spec.unit},
                               {"target", m.spec.target}, {"higher_is_better", m.spec.higher_is_better},
                               {"warning", m.spec.warning ? Json(*m.spec.warning) : Json(nullptr)},
                               {"latest", m.latest ? Json(m.latest->value) : Json(nullptr)},
                               {"latest_date", m.latest ? Json(m.latest->date) : Json(nullptr)},
                               {"status", m.status}, {"trend", m.trend.ToJson()}, {"series", series}});
        }
        s.columns = {"id", "metric", "latest", "target", "status", "trend", "measured"};
        s.summary = in.metrics.empty() ? "No metrics are defined."
                                       : fmt::format("{}: {} on target, {} warning, {} off target, {} without data.",
                                                     Plural(in.metrics.size(), "metric", "metrics"),
                                                     by_status["on_target"], by_status["warning"],
                                                     by_status["off_target"], by_status["no_data"]);
        sections.push_back(std::move(s));
    }
    // d3) Audit results.
    {
        Section s{"d3", "audit_results", "Audit results"};
        std::map<std::string, std::map<std::string, int>> kinds;
        for (const auto& f : in.findings) ++kinds[Text(f.data, "audit")][Text(f.data, "kind")];
        int shown = 0;
        for (const auto& a : in.audits) {
            std::string end = Text(a.data, "actual_end");
            bool relevant = Within(end, prev, cut) || a.state == "in_progress" || a.state == "reporting" ||
                            (first && a.state == "completed");
            if (!relevant) continue;
            ++shown;
            auto& k = kinds[a.id];
            s.rows.push_back({a.id, a.title, a.state, end, std::to_string(k["major_nonconformity"]),
                              std::to_string(k["minor_nonconformity"]), std::to_string(k["observation"]),
                              std::to_string(k["opportunity_for_improvement"]), Text(a.data, "conclusion")});
            s.marks.push_back(k["major_nonconformity"] ? "bad" : k["minor_nonconformity"] ? "warn" : "");
            s.items.push_back({{"id", a.id}, {"title", a.title}, {"state", a.state}, {"actual_end", end},
                               {"findings", {{"major_nonconformity", k["major_nonconformity"]},
                                             {"minor_nonconformity", k["minor_nonconformity"]},
                                             {"observation", k["observation"]},
                                             {"opportunity_for_improvement", k["opportunity_for_improvement"]}}},
                               {"conclusion", Text(a.data, "conclusion")}});
        }
        s.columns = {"id", "audit", "state", "ended", "major", "minor", "observations", "opportunities", "conclusion"};
        s.summary = shown ? fmt::format("{} {}.", Plural(shown, "audit", "audits"), period)
                          : fmt::format("No audit ended {}.", period);
        sections.push_back(std::move(s));
    }
    // d4) Objectives.
    {
        Section s{"d4", "objectives", "Fulfilment of information security objectives"};
        std::map<std::string, std::vector<const MetricSummary*>> metrics_of;
        for (const auto& m : in.metrics)
            if (m.record.data.contains("objectives") && m.record.data["objectives"].is_array())
                for (const auto& o : m.record.data["objectives"]) metrics_of[o.get<std::string>()].push_back(&m);
        int achieved = 0, active = 0;
        for (const auto& o : in.objectives) {
            if (o.state == "cancelled") continue;
            achieved += o.state == "achieved";
            active += o.state == "planned" || o.state == "in_progress";
            std::vector<std::string> ms;
            for (const auto* m : metrics_of[o.id]) ms.push_back(fmt::format("{} {}", m->spec.id, m->status));
            std::string value = Text(o.data, "current_value");
            if (!value.empty() && !Text(o.data, "target_value").empty())
                value += " of " + Text(o.data, "target_value") + " " + Text(o.data, "unit");
            s.rows.push_back({o.id, o.title, o.state, Text(o.data, "due_date"), value, Join(ms)});
            bool late = (o.state == "planned" || o.state == "in_progress") && !Text(o.data, "due_date").empty() &&
                        Text(o.data, "due_date") < cut;
            s.marks.push_back(o.state == "achieved" ? "good" : o.state == "not_achieved" || late ? "bad" : "");
            s.items.push_back({{"id", o.id}, {"title", o.title}, {"state", o.state}, {"due_date", Text(o.data, "due_date")},
                               {"current_value", o.data.value("current_value", Json(nullptr))},
                               {"target_value", o.data.value("target_value", Json(nullptr))},
                               {"metrics", ms}});
        }
        s.columns = {"id", "objective", "state", "due", "progress", "metrics"};
        s.summary = fmt::format("{}: {} achieved, {} in progress or planned.",
                                Plural(s.rows.size(), "objective", "objectives"), achieved, active);
        sections.push_back(std::move(s));
    }
    // e) Interested parties' feedback.
    {
        Section s{"e", "interested_party_feedback", "Feedback from interested parties"};
        int complaints = 0;
        for (const auto& n : in.nonconformities) {
            if (Text(n.data, "source") != "complaint" || !Within(Text(n.data, "detected_on"), prev, cut)) continue;
            ++complaints;
            s.rows.push_back({n.id, n.title, Text(n.data, "detected_on"), n.state});
            s.marks.push_back("");
            s.items.push_back({{"id", n.id}, {"title", n.title}, {"detected_on", Text(n.data, "detected_on")},
                               {"state", n.state}});
        }
        s.columns = {"id", "complaint", "received", "state"};
        std::string notes = in.interested_party_feedback.empty() ? "No feedback notes were recorded with the review."
                                                                 : in.interested_party_feedback;
        s.summary = fmt::format("{} {}. {}", Plural(complaints, "complaint recorded as a nonconformity",
                                                     "complaints recorded as nonconformities"),
                                period, notes);
        sections.push_back(std::move(s));
    }
    // f) Risk assessment and treatment.
    {
        const auto& r = in.risk;
        Section s{"f", "risk", "Results of risk assessment and status of the risk treatment plan"};
        std::string levels;
        for (size_t i = 0; i < r.inherent_by_level.size(); ++i)
            levels += fmt::format("{}{} {} → {}", i ? ", " : "", r.inherent_by_level[i].first,
                                  r.inherent_by_level[i].second,
                                  i < r.residual_by_level.size() ? r.residual_by_level[i].second : 0);
        s.summary = fmt::format("{} open: {} assessed, {} with a treatment decision, {} with residual risk accepted. "
                                "Open risks by level (inherent → residual): {}. Treatment actions: {} open ({} "
                                "overdue), {} done. Statement of Applicability: {}; {} applicable controls, {} "
                                "implemented, {} undecided, {} open check items. (Risk register, treatment plan and "
                                "SoA as at compilation.)",
                                Plural(r.risks, "risk", "risks"), r.assessed, r.treated, r.accepted,
                                levels.empty() ? "none" : levels, r.actions_open, r.actions_overdue.size(),
                                r.actions_done,
                                r.soa_version ? fmt::format("version {} approved {}", r.soa_version,
                                                            r.soa_approved_at.substr(0, 10))
                                              : std::string("no approved version"),
                                r.soa_applicable, r.soa_implemented, r.soa_undecided, r.soa_open_items);
        for (const auto& a : r.actions_overdue) {
            s.rows.push_back({a.id, a.title, a.risk_id, name(a.owner), a.due_date, a.status});
            s.marks.push_back("bad");
            s.items.push_back({{"id", a.id}, {"title", a.title}, {"risk", a.risk_id}, {"owner", a.owner},
                               {"due_date", a.due_date}, {"status", a.status}});
        }
        s.columns = {"overdue action", "title", "risk", "owner", "due", "status"};
        sections.push_back(std::move(s));
    }
    // g) Opportunities for improvement.
    {
        Section s{"g", "improvement_opportunities", "Opportunities for continual improvement"};
        int open = 0;
        for (const auto& r : in.improvements) {
            if (r.state != "proposed" && r.state != "approved" && r.state != "in_progress") continue;
            ++open;
            s.rows.push_back({r.id, r.title, Text(r.data, "source"), name(Text(r.data, "owner")), r.state});
            s.marks.push_back("");
            s.items.push_back({{"id", r.id}, {"title", r.title}, {"source", Text(r.data, "source")}, {"state", r.state}});
        }
        int found = 0;
        for (const auto& f : in.findings) {
            std::string kind = Text(f.data, "kind");
            if ((kind != "opportunity_for_improvement" && kind != "observation") ||
                !Within(Text(f.data, "raised_on"), prev, cut))
                continue;
            ++found;
            s.rows.push_back({f.id, f.title, kind, "", f.state});
            s.marks.push_back("");
            s.items.push_back({{"id", f.id}, {"title", f.title}, {"source", kind}, {"state", f.state}});
        }
        s.columns = {"id", "opportunity", "source", "owner", "state"};
        s.summary = fmt::format("{} in the continual-improvement register; {} from audits {}.",
                                Plural(open, "open entry", "open entries"),
                                Plural(found, "observation or opportunity", "observations and opportunities"), period);
        sections.push_back(std::move(s));
    }

    Json out = {{"review", in.review_id},
                {"title", in.review_title},
                {"organisation", in.organisation},
                {"meeting_date", in.meeting_date},
                {"cut_off", cut},
                {"previous_review", first ? Json(nullptr) : Json{{"id", in.previous_review_id}, {"cut_off", prev}}},
                {"compiled_at", in.compiled_at},
                {"sections", Json::array()}};
    for (const auto& s : sections) out["sections"].push_back(s.ToJson());
    return out;
}

io::Report PackReport(const Json& pack) {
    io::Report r;
    r.title = fmt::format("Management review — {} {}", pack.value("review", ""), pack.value("title", ""));
    std::string prev = pack["previous_review"].is_object()
                           ? fmt::format("changes since {} (cut-off {})", pack["previous_review"].value("id", ""),
                                         pack["previous_review"].value("cut_off", ""))
                           : "first review";
    r.subtitle = fmt::format("{} · inputs (ISO/IEC 27001:2022 9.3.2) as of {} · {} · meeting {} · compiled {}",
                             pack.value("organisation", ""), pack.value("cut_off", ""), prev,
                             pack.value("meeting_date", ""), pack.value("compiled_at", "").substr(0, 16));
    r.footer = fmt::format("{} · management review {} · cut-off {}", pack.value("organisation", ""),
                           pack.value("review", ""), pack.value("cut_off", ""));
    for (const auto& s : pack["sections"]) {
        r.Heading(fmt::format("{}) {}", s.value("id", ""), s.value("title", "")));
        r.Paragraph(s.value("summary", ""));
        auto rows = s.value("rows", std::vector<std::vector<std::string>>{});
        if (!rows.empty())
            r.Table(s.value("columns", std::vector<std::string>{}), rows, s.value("marks", std::vector<std::string>{}));
        if (s.value("topic", "") == "measurements")
            for (const auto& m : s["items"]) {
                if (!m["series"].is_array() || m["series"].size() < 2) continue;
                io::LineChart c;
                c.title = fmt::format("{} {} ({})", m.value("id", ""), m.value("name", ""), m.value("unit", ""));
                c.width = 560;
                c.height = 160;
                io::LineSeries values{m.value("unit", ""), "#1f5fa8", {}};
                double first = 0, last = 0;
                for (size_t i = 0; i < m["series"].size(); ++i) {
                    auto d = time::ParseDate(m["series"][i].value("date", ""));
                    double x = d ? static_cast<double>(d->time_since_epoch().count()) : static_cast<double>(i);
                    if (i == 0) first = x;
                    last = x;
                    values.points.emplace_back(x, m["series"][i].value("value", 0.0));
                }
                c.series.push_back(values);
                c.series.push_back({"target", "#2e7d32", {{first, m.value("target", 0.0)}, {last, m.value("target", 0.0)}}});
                r.Chart(c);
            }
    }
    r.Heading("Decisions (outputs)");
    r.Paragraph("Decisions on continual improvement and on changes to the ISMS are recorded in the continual-"
                "improvement register with this review as their source (isms review output).",
                true);
    return r;
}

Json ReviewPack::ToJson() const {
    Json j = pack;
    j["compilation"] = compilation;
    j["compiled_by"] = compiled_by;
    j["sha256"] = sha256;
    return j;
}

RiskPicture ManagementReviewService::Risk(const Context& ctx) {
    RiskPicture p;
    auto criteria = risks_.criteria().Current(ctx);
    std::map<std::string, int> inh, res;
    for (const auto& k : risks_.List(ctx, {.include_closed = false})) {
        ++p.risks;
        if (k.inherent) {
            ++p.assessed;
            if (k.inherent->criteria_version == criteria.version) ++inh[k.inherent->level];
            if (k.Current() && k.Current()->criteria_version == criteria.version) ++res[k.Current()->level];
        }
        if (k.treatment) ++p.treated;
        if (k.acceptance) ++p.accepted;
    }
    for (const auto& lv : criteria.levels) {
        p.inherent_by_level.emplace_back(lv.name, inh[lv.id]);
        p.residual_by_level.emplace_back(lv.name, res[lv.id]);
    }
    std::string today = time::Today();
    for (const auto& a : risks_.Actions(ctx)) {
        if (a.status == "done") ++p.actions_done;
        if (a.status == "open" || a.status == "in_progress") ++p.actions_open;
        if (a.Overdue(today)) p.actions_overdue.push_back(a);
    }
    auto versions = soa_.Versions(ctx);
    if (!versions.empty()) {
        p.soa_version = versions.back().version;
        p.soa_approved_at = versions.back().approved_at;
    }
    auto sum = soa_.Summarise(ctx);
    p.soa_applicable = sum.applicable;
    p.soa_undecided = sum.undecided;
    p.soa_implemented = sum.by_status.count("implemented") ? sum.by_status.at("implemented") : 0;
    p.soa_open_items = sum.open_items;
    return p;
}

ReviewPack ManagementReviewService::Compile(const Context& ctx, const std::string& review_id,
                                            const std::string& organisation, const std::optional<std::string>& cut_off) {
    RequirePermission(ctx, Permission::kRecordsWrite);
    auto review = records_.Get(ctx, "management_review", review_id);
    if (review.state == "approved")
        throw Error::Conflict(fmt::format("management review {} is approved: its pack is final", review_id));
    if (cut_off && !time::ParseDate(*cut_off))
        throw Error::InvalidInput(fmt::format("'{}' is not a date (YYYY-MM-DD)", *cut_off), {{"cut_off", "not a date"}});
    if (cut_off && *cut_off > time::Today())
        throw Error::InvalidInput(fmt::format("cut_off {} lies in the future (today is {}): inputs can only be compiled "
                                              "up to today",
                                              *cut_off, time::Today()),
                                  {{"cut_off", "lies in the future"}});
    RiskPicture risk = Risk(ctx);
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        const std::string& org = ctx.org_id;
        Record rev = cut_off ? records_.UpdateIn(tx, "management_review", review_id, {{"cut_off", *cut_off}}, "update")
                             : *records::FindRecord(tx, org, "management_review", review_id);
        ReviewInputs in;
        in.review_id = rev.id;
        in.review_title = rev.title;
        in.organisation = organisation;
        in.meeting_date = Text(rev.data, "meeting_date");
        in.cut_off = Text(rev.data, "cut_off");
        if (in.cut_off > time::Today())
            throw Error::InvalidInput(fmt::format("cut_off {} lies in the future (today is {})", in.cut_off,
                                                  time::Today()),
                                      {{"cut_off", "lies in the future"}});
        in.compiled_at = time::NowUtc();
        in.compiled_by = ctx.actor;
        in.interested_party_feedback = Text(rev.data, "interested_party_feedback");
        std::set<std::string> earlier;
        for (const auto& other : records::RecordsOf(tx, org, "management_review")) {
            if (other.id == rev.id) continue;
            std::string c = Text(other.data, "cut_off");
            if (c.empty() || c >= in.cut_off) continue;
            earlier.insert(other.id);
            if (c > in.previous_cut_off) {
                in.previous_cut_off = c;
                in.previous_review_id = other.id;
            }
        }
        std::string at = in.cut_off + "T23:59:59.999Z";
        std::string before = in.previous_cut_off.empty() ? "" : in.previous_cut_off + "T23:59:59.999Z";
        auto as_of = [&](const char* type, const std::string& instant) {
            return instant.empty() ? std::vector<Record>{} : records::RecordsAsOf(tx, org, type, instant);
        };
        in.improvements = as_of("improvement", at);
        for (const auto& i : in.improvements)
            if (earlier.count(Text(i.data, "management_review"))) in.previous_outputs.push_back(i);
        in.issues = as_of("context_issue", at);
        in.issues_before = as_of("context_issue", before);
        in.parties = as_of("interested_party", at);
        in.parties_before = as_of("interested_party", before);
        in.requirements = as_of("requirement", at);
        in.requirements_before = as_of("requirement", before);
        in.nonconformities = as_of("nonconformity", at);
        in.corrective_actions = as_of("corrective_action", at);
        in.audits = as_of("audit", at);
        in.findings = as_of("audit_finding", at);
        in.objectives = as_of("objective", at);
        std::vector<Record> metrics;
        for (auto& m : as_of("metric", at))
            if (m.state != "retired") metrics.push_back(std::move(m));
        in.metrics = MetricService::Summaries(tx, org, metrics, in.cut_off);
        for (const auto& p : records::RecordsOf(tx, org, "person", true)) in.names[p.id] = p.title;
        in.risk = risk;
        ReviewPack out;
        out.review_id = rev.id;
        out.pack = CompilePack(in);
        out.cut_off = in.cut_off;
        out.compiled_at = in.compiled_at;
        out.compiled_by = in.compiled_by;
        std::string text = out.pack.dump();
        out.sha256 = crypto::Sha256Hex(text);
        auto last = tx.QueryOne("SELECT MAX(compilation) FROM review_packs WHERE org_id = ? AND review_id = ?",
                                {V(org), V(rev.id)});
        out.compilation = static_cast<int>(last && !last->IsNull(0) ? last->Int(0) : 0) + 1;
        tx.Exec("INSERT INTO review_packs (org_id, review_id, compilation, cut_off, compiled_at, compiled_by, pack_json, "
                "sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                {V(org), V(rev.id), V(out.compilation), V(out.cut_off), V(out.compiled_at), V(out.compiled_by), V(text),
                 V(out.sha256)});
        tx.Log(org, "review_pack", fmt::format("{}/{}", rev.id, out.compilation), "compile", nullptr,
               Json{{"review", rev.id}, {"compilation", out.compilation}, {"cut_off", out.cut_off},
                    {"sha256", out.sha256}});
        return out;
    });
}

ReviewPack ManagementReviewService::Pack(const Context& ctx, const std::string& review_id, int compilation) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) {
        if (!records::RecordExists(db, ctx.org_id, "management_review", review_id))
            throw Error::NotFound(fmt::format("no management_review '{}'", review_id));
        std::string sql = "SELECT compilation, cut_off, compiled_at, compiled_by, pack_json, sha256 FROM review_packs "
                          "WHERE org_id = ? AND review_id = ?";
        store::Params p = {V(ctx.org_id), V(review_id)};
        if (compilation > 0) {
            sql += " AND compilation = ?";
            p.push_back(V(compilation));
        }
        auto row = db.QueryOne(sql + " ORDER BY compilation DESC LIMIT 1", p);
        if (!row)
            throw Error::NotFound(compilation > 0 ? fmt::format("management review {} has no compilation {}", review_id,
                                                                compilation)
                                                  : fmt::format("the inputs of management review {} have not been "
                                                                "compiled yet (isms review compile {})",
                                                                review_id, review_id));
        ReviewPack out;
        out.review_id = review_id;
        out.compilation = static_cast<int>(row->Int(0));
        out.cut_off = row->Str(1);
        out.compiled_at = row->Str(2);
        out.compiled_by = row->Str(3);
        out.pack = row->JsonAt(4);
        out.sha256 = row->Str(5);
        if (crypto::Sha256Hex(row->Str(4)) != out.sha256)
            throw Error::Internal(fmt::format("the stored pack {} of {} does not match its SHA-256", out.compilation,
                                              review_id));
        return out;
    });
}

std::vector<ReviewPack> ManagementReviewService::Compilations(const Context& ctx, const std::string& review_id) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) {
        if (!records::RecordExists(db, ctx.org_id, "management_review", review_id))
            throw Error::NotFound(fmt::format("no management_review '{}'", review_id));
        std::vector<ReviewPack> out;
        for (const auto& r : db.Query("SELECT compilation, cut_off, compiled_at, compiled_by, sha256 FROM review_packs "
                                      "WHERE org_id = ? AND review_id = ? ORDER BY compilation",
                                      {V(ctx.org_id), V(review_id)})) {
            ReviewPack p;
            p.review_id = review_id;
            p.compilation = static_cast<int>(r.Int(0));
            p.cut_off = r.Str(1);
            p.compiled_at = r.Str(2);
            p.compiled_by = r.Str(3);
            p.sha256 = r.Str(4);
            out.push_back(std::move(p));
        }
        return out;
    });
}

Json ManagementReviewService::ReviewOverview::ToJson() const {
    return {{"id", review.id},
            {"title", review.title},
            {"state", review.state},
            {"meeting_date", Text(review.data, "meeting_date")},
            {"cut_off", Text(review.data, "cut_off")},
            {"compilation", compilation ? Json(compilation) : Json(nullptr)},
            {"compiled_cut_off", compiled_cut_off.empty() ? Json(nullptr) : Json(compiled_cut_off)},
            {"outputs", outputs}};
}

std::vector<ManagementReviewService::ReviewOverview> ManagementReviewService::Reviews(const Context& ctx) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) {
        std::map<std::string, int> outputs;
        for (const auto& i : records::RecordsOf(db, ctx.org_id, "improvement"))
            if (!Text(i.data, "management_review").empty()) ++outputs[Text(i.data, "management_review")];
        std::vector<ReviewOverview> out;
        for (auto& r : records::RecordsOf(db, ctx.org_id, "management_review")) {
            ReviewOverview o;
            if (auto p = db.QueryOne("SELECT compilation, cut_off FROM review_packs WHERE org_id = ? AND review_id = ? "
                                     "ORDER BY compilation DESC LIMIT 1",
                                     {V(ctx.org_id), V(r.id)})) {
                o.compilation = static_cast<int>(p->Int(0));
                o.compiled_cut_off = p->Str(1);
            }
            o.outputs = outputs[r.id];
            o.review = std::move(r);
            out.push_back(std::move(o));
        }
        return out;
    });
}

Record ManagementReviewService::AddOutput(const Context& ctx, const std::string& review_id, Json fields) {
    RequirePermission(ctx, Permission::kRecordsWrite);
    if (!fields.is_object()) throw Error::InvalidInput("an output must be an object of fields (title, description, …)");
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        auto review = records::FindRecord(tx, ctx.org_id, "management_review", review_id);
        if (!review) throw Error::NotFound(fmt::format("no management_review '{}'", review_id));
        fields["source"] = "management_review";
        fields["management_review"] = review_id;
        return records_.CreateIn(tx, "improvement", std::move(fields));
    });
}

std::vector<Record> ManagementReviewService::Outputs(const Context& ctx, const std::string& review_id) {
    RequirePermission(ctx, Permission::kRead);
    records_.Get(ctx, "management_review", review_id);
    records::ListQuery q;
    q.equals["management_review"] = review_id;
    q.limit = 1000;
    return records_.List(ctx, "improvement", q).items;
}

}  // namespace isms::evaluation
