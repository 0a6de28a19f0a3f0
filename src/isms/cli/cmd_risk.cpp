// isms risk …: criteria, library, the register, assessments, treatment, acceptance, actions, own controls and
// exports (27001 6.1.2, 6.1.3, 8.2, 8.3). Thin: every rule is in isms/risk.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "isms/cli/cli.hpp"
#include "isms/risk/select.hpp"
#include "isms/cli/options.hpp"
#include "isms/core/error.hpp"
#include "isms/core/nesting.hpp"
#include "isms/core/time.hpp"
#include "isms/risk/reports.hpp"

namespace isms::cli {

namespace {

using risk::Risk;

std::string Score(const std::optional<risk::Score>& s) {
    return s ? fmt::format("{}×{} {}", s->likelihood, s->consequence, s->level) : "";
}

std::string Join(const std::vector<std::string>& v, const char* sep = ", ") {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
    return s;
}

void PrintRisks(const std::vector<Risk>& risks, const Globals& g) {
    if (g.format == "json") {
        Json a = Json::array();
        for (const auto& k : risks) a.push_back(k.ToJson());
        PrintJson(a);
        return;
    }
    io::Table t{{"id", "title", "owner", "assets", "inherent", "treatment", "residual", "status"}, {}};
    for (const auto& k : risks)
        t.rows.push_back({k.id, k.title, k.owner, Join(k.assets), Score(k.inherent),
                          k.treatment ? std::string(risk::OptionName(k.treatment->option)) : "",
                          k.treatment ? Score(k.treatment->residual) : "", k.status});
    Print(t, g);
}

void PrintRisk(const Risk& k, const Globals& g) {
    if (g.format == "json") {
        PrintJson(k.ToJson());
        return;
    }
    io::Table t{{"field", "value"}, {}};
    auto row = [&](const std::string& f, const std::string& v) { t.rows.push_back({f, v}); };
    row("id", k.id);
    row("title", k.title);
    row("approach", std::string(risk::ApproachName(k.approach)));
    if (!k.scenario.empty()) row("scenario", k.scenario);
    row("assets", Join(k.assets));
    row("threats", Join(k.threats));
    row("vulnerabilities", Join(k.vulnerabilities));
    row("owner", k.owner);
    row("cia", k.cia.ToString());
    row("inherent", Score(k.inherent));
    if (k.inherent) row("criteria version", std::to_string(k.inherent->criteria_version));
    if (!k.existing_controls.empty()) row("existing controls", k.existing_controls);
    if (k.treatment) {
        row("treatment", std::string(risk::OptionName(k.treatment->option)));
        row("controls", Join(k.treatment->controls));
        if (!k.treatment->own_controls.empty()) row("own controls", Join(k.treatment->own_controls));
        if (!k.treatment->plan.empty()) row("plan", k.treatment->plan);
        row("residual", Score(k.treatment->residual));
    }
    if (k.acceptance)
        row("accepted", fmt::format("by {} on {}: {}", k.acceptance->person_id, k.acceptance->at.substr(0, 10),
                                    k.acceptance->comment));
    for (const auto& a : k.actions)
        row("action " + a.id, fmt::format("{} — {} due {} ({})", a.title, a.owner, a.due_date, a.status));
    row("status", k.status);
    if (!k.review_date.empty()) row("review date", k.review_date);
    row("version", std::to_string(k.row_version));
    Print(t, g);
}

// Options shared by `risk add` and `risk edit`.
struct RiskOptions {
    OptionalString title, description, scenario, owner, existing_controls, review_date, approach, cia, note;
    OptionalList assets, threats, vulnerabilities;
    OptionalInt likelihood, consequence;

    void Add(CLI::App* c) {
        title.Add(c, "--title", "what could happen, in a line");
        description.Add(c, "--description", "more detail");
        approach.Add(c, "--approach", "asset (asset + threat + vulnerability) or scenario (event-based)");
        scenario.Add(c, "--scenario", "event-based: the event and its consequences");
        owner.Add(c, "--owner", "risk owner: a person record id");
        assets.Add(c, "--asset", "asset record id (repeatable)");
        threats.Add(c, "--threat", "threat library id (repeatable; isms risk library list threats)");
        vulnerabilities.Add(c, "--vulnerability,--vuln", "vulnerability library id (repeatable)");
        cia.Add(c, "--cia", "security properties harmed: C, I, A (e.g. CI)");
        existing_controls.Add(c, "--existing-controls", "what is already in place");
        review_date.Add(c, "--review-date", "next review, YYYY-MM-DD");
        likelihood.Add(c, "--likelihood,-l", "inherent likelihood on the organisation's scale");
        consequence.Add(c, "--consequence,-c", "inherent consequence on the organisation's scale");
        note.Add(c, "--note", "recorded with the assessment");
    }
    risk::RiskInput Input() const {
        risk::RiskInput in;
        in.title = title.get();
        in.description = description.get();
        in.scenario = scenario.get();
        in.owner = owner.get();
        in.existing_controls = existing_controls.get();
        in.review_date = review_date.get();
        in.approach = approach.get();
        in.assets = assets.get();
        in.threats = threats.get();
        in.vulnerabilities = vulnerabilities.get();
        if (cia.given()) in.cia = risk::Cia::Parse(cia.value);
        in.likelihood = likelihood.get();
        in.consequence = consequence.get();
        in.note = note.get();
        return in;
    }
};

void RegisterCriteria(CLI::App* risk, Globals& g) {
    auto* crit = risk->add_subcommand("criteria", "the organisation's risk criteria (scales, matrix, acceptance)");
    crit->require_subcommand(1);
    auto show_version = std::make_shared<OptionalInt>();
    auto* show = crit->add_subcommand("show", "the current criteria (or --version N) with the matrix");
    show_version->Add(show, "--version", "an earlier version");
    show->callback([&g, show_version] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto c = show_version->given() ? app->risk_criteria().Version(ctx, show_version->value)
                                        : app->risk_criteria().Current(ctx);
        if (g.format == "json") {
            PrintJson(c.ToJson());
            return;
        }
        Say(g, fmt::format("risk criteria version {}{}{}", c.version, c.created_at.empty() ? " (default, not yet stored)" : ", " + c.created_at,
                           c.note.empty() ? "" : ": " + c.note));
        io::Table m{{"likelihood \\ consequence"}, {}};
        for (const auto& x : c.consequence) m.columns.push_back(fmt::format("{} {}", x.value, x.name));
        for (int l = static_cast<int>(c.likelihood.size()); l >= 1; --l) {
            std::vector<std::string> row = {fmt::format("{} {}", l, c.likelihood[l - 1].name)};
            for (size_t k = 0; k < c.consequence.size(); ++k) row.push_back(c.levels[c.matrix[l - 1][k]].name);
            m.rows.push_back(std::move(row));
        }
        Print(m, g);
        io::Table lv{{"level", "colour", "acceptance"}, {}};
        for (const auto& x : c.levels) lv.rows.push_back({x.name, x.colour, std::string(risk::AuthorityName(x.acceptance))});
        Print(lv, g);
    });
    crit->add_subcommand("history", "every stored version")->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        io::Table t{{"version", "created_at", "created_by", "scales", "note"}, {}};
        for (const auto& c : app->risk_criteria().History(ctx))
            t.rows.push_back({std::to_string(c.version), c.created_at, c.created_by,
                              fmt::format("{}×{}", c.likelihood.size(), c.consequence.size()), c.note});
        Print(t, g);
    });
    auto steps = std::make_shared<int>(5);
    auto* tmpl = crit->add_subcommand("template", "print ready-made criteria as JSON to edit and `set`");
    tmpl->add_option("--steps", *steps, "3, 4 or 5 steps per scale")->capture_default_str();
    tmpl->callback([steps] { PrintJson(risk::RiskCriteria::Default(*steps).ToJson()); });
    auto file = std::make_shared<std::string>();
    auto expect = std::make_shared<OptionalInt>();
    auto* set = crit->add_subcommand("set", "store criteria from a JSON file as the next version");
    set->add_option("file", *file, "criteria JSON (see `isms risk criteria template`); - for stdin")->required();
    expect->Add(set, "--expect-version", "refuse when the current version is not this one");
    set->callback([&g, file, expect] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto c = app->risk_criteria().Set(ctx, risk::RiskCriteria::FromJson(ParseUserJson(ReadInput(*file), *file)),
                                          expect->get());
        Say(g, fmt::format("stored risk criteria version {}", c.version));
    });
}

void RegisterLibrary(CLI::App* risk, Globals& g) {
    auto* lib = risk->add_subcommand("library", "the threat and vulnerability library");
    lib->require_subcommand(1);
    struct ListOpts {
        std::string kind;
        bool all = false;
    };
    auto lo = std::make_shared<ListOpts>();
    auto* list = lib->add_subcommand("list", "list threats or vulnerabilities");
    list->add_option("kind", lo->kind, "threats or vulnerabilities")->required();
    list->add_flag("--all", lo->all, "include retired entries");
    list->callback([&g, lo] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto kind = risk::ParseKind(lo->kind);
        auto entries = app->risk_library().List(ctx, kind, lo->all);
        if (g.format == "json") {
            Json a = Json::array();
            for (const auto& e : entries) a.push_back(e.ToJson());
            PrintJson(a);
            return;
        }
        io::Table t{{"id", "category", kind == risk::LibraryKind::kThreat ? "affects" : "controls", "name", "source"},
                    {}};
        for (const auto& e : entries)
            t.rows.push_back({e.id, e.category, kind == risk::LibraryKind::kThreat ? Join(e.affects, "") : Join(e.controls, ", "),
                              e.name,
                              std::string(e.builtin ? (e.edited ? "built-in, edited" : "built-in") : "own") +
                                  (e.retired ? ", retired" : "")});
        Print(t, g);
    });
    struct EditOpts {
        std::string kind, id;
        OptionalString new_id, category, name, description, origin;
        OptionalList affects, controls;
        bool retire = false, restore = false;
        void Add(CLI::App* c) {
            category.Add(c, "--category", "threats: deliberate attack, human error, …; vulnerabilities: people, …");
            name.Add(c, "--name", "short name");
            description.Add(c, "--description", "in the organisation's words");
            origin.Add(c, "--origin", "threats: deliberate, accidental or environmental");
            affects.Add(c, "--affects", "threats: C, I, A (repeatable)");
            controls.Add(c, "--control", "vulnerabilities: Annex A controls that address it (repeatable)");
        }
        risk::LibraryInput Input() const {
            risk::LibraryInput in;
            in.id = new_id.get();
            in.category = category.get();
            in.name = name.get();
            in.description = description.get();
            in.origin = origin.get();
            in.affects = affects.get();
            in.controls = controls.get();
            if (retire) in.retired = true;
            if (restore) in.retired = false;
            return in;
        }
    };
    auto ao = std::make_shared<EditOpts>();
    auto* add = lib->add_subcommand("add", "add the organisation's own threat or vulnerability");
    add->add_option("kind", ao->kind, "threat or vulnerability")->required();
    ao->new_id.Add(add, "--id", "its id (default: TC-n / VC-n)");
    ao->Add(add);
    add->callback([&g, ao] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto e = app->risk_library().Add(ctx, risk::ParseKind(ao->kind), ao->Input());
        Say(g, fmt::format("added {} {} {}", risk::KindName(e.kind), e.id, e.name));
    });
    auto eo = std::make_shared<EditOpts>();
    auto* edit = lib->add_subcommand("edit", "change or retire an entry (built-in entries are overlaid)");
    edit->add_option("kind", eo->kind, "threat or vulnerability")->required();
    edit->add_option("id", eo->id, "entry id")->required();
    eo->Add(edit);
    edit->add_flag("--retire", eo->retire, "hide it from pickers (risks that use it keep it)");
    edit->add_flag("--restore", eo->restore, "undo --retire");
    edit->callback([&g, eo] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto e = app->risk_library().Edit(ctx, risk::ParseKind(eo->kind), eo->id, eo->Input());
        Say(g, fmt::format("changed {} {}", risk::KindName(e.kind), e.id));
    });
}

void RegisterRegister(CLI::App* risk, Globals& g) {
    auto ao = std::make_shared<RiskOptions>();
    auto* add = risk->add_subcommand("add", "identify a risk (asset-based or event-based), optionally scored");
    ao->Add(add);
    add->callback([&g, ao] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto k = app->risks().Create(ctx, ao->Input());
        if (g.format == "json") return PrintJson(k.ToJson());
        Say(g, fmt::format("created {} ({})", k.id, k.inherent ? Score(k.inherent) : "not scored yet"));
    });

    auto file = std::make_shared<std::string>();
    auto* imp = risk->add_subcommand("import", "create many risks from CSV or JSON: all or nothing");
    imp->add_option("file", *file, ".csv (header: title, owner, assets, threats, …) or .json (array); - for stdin "
                                   "JSON")
        ->required();
    imp->callback([&g, file] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        std::string text = ReadInput(*file);
        std::vector<risk::RiskInput> items;
        if (std::filesystem::path(*file).extension() == ".csv") {
            items = risk::RisksFromCsv(text);
        } else {
            items = risk::RisksFromJson(ParseUserJson(text, *file));
        }
        auto made = app->risks().CreateMany(ctx, items);
        Say(g, fmt::format("imported {} risks ({} … {})", made.size(), made.empty() ? "" : made.front().id,
                           made.empty() ? "" : made.back().id));
    });

    struct ListOpts {
        risk::RiskFilter f;
        bool open = false;
        std::string where;
    };
    auto lo = std::make_shared<ListOpts>();
    auto* list = risk->add_subcommand("list", "the risk register");
    list->add_option("--owner", lo->f.owner, "only this owner's risks");
    list->add_option("--asset", lo->f.asset, "only risks on this asset");
    list->add_option("--status", lo->f.status, "only risks in this status");
    list->add_option("--control", lo->f.control, "only risks whose treatment chose this control");
    list->add_flag("--open", lo->open, "leave out closed risks");
    list->add_option("--where", lo->where,
                     "attribute query, e.g. \"level in (high, critical) and treatment != avoid\" (fields: id, title, "
                     "owner, status, approach, assets, threats, vulnerabilities, cia, level, residual_level, treatment, "
                     "controls, closed, accepted)");
    list->callback([&g, lo] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto f = lo->f;
        f.include_closed = !lo->open;
        PrintRisks(risk::SelectRisks(app->risks().List(ctx, f), lo->where), g);
    });

    auto id = std::make_shared<std::string>();
    auto* show = risk->add_subcommand("show", "one risk with its treatment, acceptance and actions");
    show->add_option("id", *id, "risk id (R-3)")->required();
    show->callback([&g, id] {
        auto app = OpenApp(g);
        PrintRisk(app->risks().Get(CliContext(*app, g), *id), g);
    });

    struct EditOpts {
        std::string id;
        RiskOptions r;
        bool close = false, reopen = false;
    };
    auto eo = std::make_shared<EditOpts>();
    auto* edit = risk->add_subcommand("edit", "change a risk (scores given here are a new assessment)");
    edit->add_option("id", eo->id, "risk id")->required();
    eo->r.Add(edit);
    edit->add_flag("--close", eo->close, "the risk no longer applies");
    edit->add_flag("--reopen", eo->reopen, "undo --close");
    edit->callback([&g, eo] {
        auto app = OpenApp(g);
        auto in = eo->r.Input();
        if (eo->close) in.closed = true;
        if (eo->reopen) in.closed = false;
        auto k = app->risks().Update(CliContext(*app, g), eo->id, in);
        if (g.format == "json") return PrintJson(k.ToJson());
        Say(g, fmt::format("{} is now {} (version {})", k.id, k.status, k.row_version));
    });

    struct AssessOpts {
        std::string id, note;
        int likelihood = 0, consequence = 0;
    };
    auto as = std::make_shared<AssessOpts>();
    auto* assess = risk->add_subcommand("assess", "re-run the assessment of a risk (earlier results are kept)");
    assess->add_option("id", as->id, "risk id")->required();
    assess->add_option("--likelihood,-l", as->likelihood, "likelihood on the current scale")->required();
    assess->add_option("--consequence,-c", as->consequence, "consequence on the current scale")->required();
    assess->add_option("--note", as->note, "why, or what changed");
    assess->callback([&g, as] {
        auto app = OpenApp(g);
        auto a = app->risks().Assess(CliContext(*app, g), as->id, as->likelihood, as->consequence, as->note);
        if (g.format == "json") {
            PrintJson(a.ToJson());
            return;
        }
        Say(g, fmt::format("{} assessed: {}", a.risk.id, Score(a.risk.inherent)));
        for (const auto& n : a.notices) Say(g, "note: " + n);
    });

    auto hid = std::make_shared<std::string>();
    auto* hist = risk->add_subcommand("history", "a risk's score history");
    hist->add_option("id", *hid, "risk id")->required();
    hist->callback([&g, hid] {
        auto app = OpenApp(g);
        auto h = app->risks().History(CliContext(*app, g), *hid);
        if (g.format == "json") {
            Json a = Json::array();
            for (const auto& x : h) a.push_back(x.ToJson());
            return PrintJson(a);
        }
        io::Table t{{"#", "at", "kind", "likelihood", "consequence", "level", "criteria", "by", "note"}, {}};
        for (const auto& x : h)
            t.rows.push_back({std::to_string(x.seq), x.at, x.kind, std::to_string(x.score.likelihood),
                              std::to_string(x.score.consequence), x.score.level,
                              std::to_string(x.score.criteria_version), x.actor, x.note});
        Print(t, g);
    });

    struct TreatOpts {
        std::string id;
        OptionalString option, plan;
        OptionalList controls, own_controls;
        OptionalInt rl, rc;
    };
    auto to = std::make_shared<TreatOpts>();
    auto* treat = risk->add_subcommand("treat", "decide the treatment: option, controls, plan, residual score");
    treat->add_option("id", to->id, "risk id")->required();
    to->option.Add(treat, "--option", "modify, retain, avoid or share");
    to->controls.Add(treat, "--control", "Annex A control id (repeatable), e.g. 8.5");
    to->own_controls.Add(treat, "--own-control", "the organisation's own control (repeatable), e.g. OC-1");
    to->plan.Add(treat, "--plan", "how the controls will be put in place");
    to->rl.Add(treat, "--residual-likelihood", "planned residual likelihood");
    to->rc.Add(treat, "--residual-consequence", "planned residual consequence");
    treat->callback([&g, to] {
        auto app = OpenApp(g);
        risk::TreatmentInput in;
        in.option = to->option.get();
        in.controls = to->controls.get();
        in.own_controls = to->own_controls.get();
        in.plan = to->plan.get();
        in.residual_likelihood = to->rl.get();
        in.residual_consequence = to->rc.get();
        auto k = app->risks().Treat(CliContext(*app, g), to->id, in);
        Say(g, fmt::format("{}: {} with {}; residual {}", k.id, risk::OptionName(k.treatment->option),
                           Join(k.treatment->controls), k.treatment->residual ? Score(k.treatment->residual) : "not estimated"));
    });

    struct AcceptOpts {
        std::string id, comment;
        OptionalString person;
    };
    auto acc = std::make_shared<AcceptOpts>();
    auto* accept = risk->add_subcommand("accept", "accept the residual risk as its owner (6.1.3 f)");
    accept->add_option("id", acc->id, "risk id")->required();
    accept->add_option("--comment", acc->comment, "why the residual risk is acceptable")->required();
    acc->person.Add(accept, "--person", "the accepting risk owner's person id (local operator only)");
    accept->callback([&g, acc] {
        auto app = OpenApp(g);
        auto k = app->risks().Accept(CliContext(*app, g), acc->id, {acc->person.get(), acc->comment});
        Say(g, fmt::format("{}: residual risk {} accepted by {} ({})", k.id, Score(k.treatment->residual),
                           k.acceptance->person_id, k.acceptance->authority));
    });

    auto aid = std::make_shared<std::string>();
    auto* accs = risk->add_subcommand("acceptances", "every acceptance of a risk");
    accs->add_option("id", *aid, "risk id")->required();
    accs->callback([&g, aid] {
        auto app = OpenApp(g);
        io::Table t{{"id", "at", "person", "residual", "authority", "current", "comment"}, {}};
        for (const auto& a : app->risks().Acceptances(CliContext(*app, g), *aid))
            t.rows.push_back({a.id, a.at, a.person_id, Score(a.residual), a.authority, a.current ? "yes" : "no",
                              a.comment});
        Print(t, g);
    });
}

void RegisterActions(CLI::App* risk, Globals& g) {
    auto* act = risk->add_subcommand("action", "actions of the risk treatment plan");
    act->require_subcommand(1);
    struct Opts {
        std::string id;
        OptionalString title, owner, due, status, control, notes;
        void Add(CLI::App* c) {
            title.Add(c, "--title", "what is to be done");
            owner.Add(c, "--owner", "person record id");
            due.Add(c, "--due", "due date YYYY-MM-DD");
            status.Add(c, "--status", "open, in_progress, done or cancelled");
            control.Add(c, "--control", "the chosen control it implements");
            notes.Add(c, "--notes", "notes");
        }
        risk::ActionInput Input() const { return {title.get(), owner.get(), due.get(), status.get(), control.get(), notes.get()}; }
    };
    auto ao = std::make_shared<Opts>();
    auto* add = act->add_subcommand("add", "add an action to a risk's treatment plan");
    add->add_option("risk", ao->id, "risk id")->required();
    ao->Add(add);
    add->callback([&g, ao] {
        auto app = OpenApp(g);
        auto a = app->risks().AddAction(CliContext(*app, g), ao->id, ao->Input());
        Say(g, fmt::format("added {} to {}, due {}", a.id, a.risk_id, a.due_date));
    });
    auto uo = std::make_shared<Opts>();
    auto* upd = act->add_subcommand("update", "change an action (status done records the date)");
    upd->add_option("id", uo->id, "action id (A-4)")->required();
    uo->Add(upd);
    upd->callback([&g, uo] {
        auto app = OpenApp(g);
        auto a = app->risks().UpdateAction(CliContext(*app, g), uo->id, uo->Input());
        Say(g, fmt::format("{} is {}", a.id, a.status));
    });
    auto overdue = std::make_shared<bool>(false);
    auto* list = act->add_subcommand("list", "the treatment plan's actions by due date");
    list->add_flag("--overdue", *overdue, "only actions past their due date");
    list->callback([&g, overdue] {
        auto app = OpenApp(g);
        std::string today = time::Today();
        io::Table t{{"id", "risk", "title", "owner", "due_date", "status", "control", "overdue"}, {}};
        for (const auto& a : app->risks().Actions(CliContext(*app, g)))
            if (!*overdue || a.Overdue(today))
                t.rows.push_back({a.id, a.risk_id, a.title, a.owner, a.due_date, a.status, a.control,
                                  a.Overdue(today) ? "yes" : ""});
        Print(t, g);
    });
}

void RegisterOwnControls(CLI::App* risk, Globals& g) {
    auto* oc = risk->add_subcommand("own-control", "the organisation's own controls (beside Annex A)");
    oc->require_subcommand(1);
    oc->add_subcommand("list", "list them")->callback([&g] {
        auto app = OpenApp(g);
        io::Table t{{"id", "title", "description"}, {}};
        for (const auto& c : app->risks().OwnControls(CliContext(*app, g))) t.rows.push_back({c.id, c.title, c.description});
        Print(t, g);
    });
    struct Opts {
        std::string id;
        OptionalString title, description;
    };
    auto ao = std::make_shared<Opts>();
    auto* add = oc->add_subcommand("add", "add one");
    ao->title.Add(add, "--title", "its name").option->required();
    ao->description.Add(add, "--description", "what it does");
    add->callback([&g, ao] {
        auto app = OpenApp(g);
        auto c = app->risks().AddOwnControl(CliContext(*app, g), ao->title.value, ao->description.value);
        Say(g, fmt::format("added {} {}", c.id, c.title));
    });
    auto eo = std::make_shared<Opts>();
    auto* edit = oc->add_subcommand("edit", "change one");
    edit->add_option("id", eo->id, "OC-n")->required();
    eo->title.Add(edit, "--title", "its name");
    eo->description.Add(edit, "--description", "what it does");
    edit->callback([&g, eo] {
        auto app = OpenApp(g);
        auto c = app->risks().EditOwnControl(CliContext(*app, g), eo->id, eo->title.get(), eo->description.get());
        Say(g, fmt::format("changed {}", c.id));
    });
}

void RegisterExports(CLI::App* risk, Globals& g) {
    struct Opts {
        std::string out;
        bool open_only = false;
    };
    auto ex = std::make_shared<Opts>();
    auto* exp = risk->add_subcommand("export", "the risk register as .xlsx or .csv (by the file's extension)");
    exp->add_option("--out,-o", ex->out, "file to write (.xlsx or .csv)")->required();
    exp->add_flag("--open", ex->open_only, "leave out closed risks");
    exp->callback([&g, ex] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        auto org = app->organisations().Resolve(g.org);
        auto d = app->risk_reports().Gather(ctx, org.name, !ex->open_only);
        auto ext = std::filesystem::path(ex->out).extension().string();
        if (ext == ".xlsx") {
            WriteOutput(ex->out, risk::RegisterXlsx(d));
        } else if (ext == ".csv") {
            WriteOutput(ex->out, io::RenderCsv(risk::RegisterTable(d)));
        } else {
            throw Error::InvalidInput(fmt::format("cannot tell the format of '{}': use .xlsx or .csv", ex->out),
                                      {{"out", "unknown extension", {".xlsx", ".csv"}}});
        }
        Say(g, fmt::format("wrote {} risks to {}", d.risks.size(), ex->out));
    });
    auto hm = std::make_shared<std::string>();
    auto* heat = risk->add_subcommand("heatmap", "heat map of inherent and residual risk as SVG");
    heat->add_option("--out,-o", *hm, "file to write (.svg)")->required();
    heat->callback([&g, hm] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        WriteOutput(*hm, risk::HeatMapSvg(app->risk_reports().Gather(ctx, app->organisations().Resolve(g.org).name, false)));
        Say(g, fmt::format("wrote {}", *hm));
    });
    auto rp = std::make_shared<std::string>();
    auto* report = risk->add_subcommand("report", "the risk treatment plan as a printable HTML report");
    report->add_option("--out,-o", *rp, "file to write (.html)")->required();
    report->callback([&g, rp] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        WriteOutput(*rp, risk::TreatmentPlanHtml(
                           app->risk_reports().Gather(ctx, app->organisations().Resolve(g.org).name, false)));
        Say(g, fmt::format("wrote {}", *rp));
    });
}

}  // namespace

void RegisterRisk(CLI::App& root, Globals& g) {
    auto* risk = root.add_subcommand("risk", "risk assessment and treatment (ISO/IEC 27001 6.1.2, 6.1.3, 8.2, 8.3)");
    risk->require_subcommand(1);
    RegisterCriteria(risk, g);
    RegisterLibrary(risk, g);
    RegisterRegister(risk, g);
    RegisterActions(risk, g);
    RegisterOwnControls(risk, g);
    RegisterExports(risk, g);
}

}  // namespace isms::cli
