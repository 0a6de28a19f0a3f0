// isms soa …: the Statement of Applicability (27001 6.1.3 d): show/filter, decide, check, approve, versions,
// diff, export. `soa check` exits 1 when anything is open (like `log verify`), so CI can gate on it.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "isms/cli/cli.hpp"
#include "isms/cli/options.hpp"
#include "isms/core/error.hpp"
#include "isms/soa/exports.hpp"

namespace isms::cli {

namespace {

std::string Join(const std::vector<std::string>& v, const char* sep = ", ") {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
    return s;
}

// "3", "v3", "V3" → 3; "current" → 0.
int ParseVersion(const std::string& text) {
    std::string v = text;
    if (v == "current") return 0;
    if (!v.empty() && (v[0] == 'v' || v[0] == 'V')) v = v.substr(1);
    if (v.empty() || v.size() > 8 || v.find_first_not_of("0123456789") != std::string::npos || std::stoi(v) < 1)
        throw Error::InvalidInput(fmt::format("'{}' is not a SoA version: use 3, v3 or current", text),
                                  {{"version", "not a version"}});
    return std::stoi(v);
}

void PrintEntries(const std::vector<soa::Entry>& entries, const Globals& g) {
    if (g.format == "json") {
        Json a = Json::array();
        for (const auto& e : entries) a.push_back(e.ToJson());
        PrintJson(a);
        return;
    }
    io::Table t{{"control", "title", "applicability", "by", "status", "risks", "requirements", "owner"}, {}};
    for (const auto& e : entries) {
        std::vector<std::string> reqs;
        for (const auto& r : e.requirements) reqs.push_back(r.id);
        t.rows.push_back({e.control_id, e.title, e.applicability, e.decided_by, e.status, Join(e.risks), Join(reqs),
                          e.owner});
    }
    Print(t, g);
}

void PrintCheck(const std::vector<soa::CheckItem>& items, const Globals& g) {
    if (g.format == "json") {
        Json a = Json::array();
        for (const auto& c : items) a.push_back(c.ToJson());
        PrintJson({{"ok", items.empty()}, {"open_items", items.size()}, {"items", a}});
        return;
    }
    if (items.empty()) {
        Say(g, "soa check OK: every Annex A control is decided, justified and consistent with the risk treatment");
        return;
    }
    io::Table t{{"control", "kind", "message"}, {}};
    for (const auto& c : items) t.rows.push_back({c.control_id, c.kind, c.message});
    Print(t, g);
    if (g.format == "table") std::cout << fmt::format("{} open item{}\n", items.size(), items.size() == 1 ? "" : "s");
}

}  // namespace

void RegisterSoa(CLI::App& root, Globals& g) {
    auto* soa = root.add_subcommand("soa", "the Statement of Applicability (ISO/IEC 27001 6.1.3 d)");
    soa->require_subcommand(1);

    struct ShowOpts {
        std::string where, sort;
    };
    auto so = std::make_shared<ShowOpts>();
    auto* show = soa->add_subcommand("show", "the statement: every Annex A control, filterable");
    show->add_option("--where,-w", so->where,
                     "filter in the catalog query language, e.g. 'applicability = applicable and "
                     "control_type = Detective and status != implemented'");
    show->add_option("--sort", so->sort, "comma-separated fields, -field for descending");
    show->callback([&g, so] {
        auto app = OpenApp(g);
        PrintEntries(app->soa().Select(CliContext(*app, g), so->where, so->sort), g);
    });

    auto gid = std::make_shared<std::string>();
    auto* get = soa->add_subcommand("get", "one control's entry with its justification");
    get->add_option("control", *gid, "Annex A control id, e.g. 8.5")->required();
    get->callback([&g, gid] {
        auto app = OpenApp(g);
        auto e = app->soa().Get(CliContext(*app, g), *gid);
        if (g.format == "json") return PrintJson(e.ToJson());
        io::Table t{{"field", "value"}, {}};
        t.rows.push_back({"control", e.control_id + " " + e.title});
        t.rows.push_back({"applicability", e.applicability + (e.decided_by.empty() ? "" : " (" + e.decided_by + ")")});
        if (!e.risks.empty()) t.rows.push_back({"risks", Join(e.risks)});
        for (const auto& r : e.requirements) t.rows.push_back({"requirement", fmt::format("{} {} ({})", r.id, r.title, r.basis)});
        if (!e.business_need.empty()) t.rows.push_back({"business need", e.business_need});
        if (!e.exclusion_reason.empty()) t.rows.push_back({"exclusion reason", e.exclusion_reason});
        t.rows.push_back({"status", e.status});
        if (!e.owner.empty()) t.rows.push_back({"owner", e.owner});
        if (!e.notes.empty()) t.rows.push_back({"notes", e.notes});
        for (const auto& ev : e.evidence) t.rows.push_back({"evidence", ev});
        t.rows.push_back({"version", std::to_string(e.version)});
        Print(t, g);
    });

    struct SetOpts {
        std::string control;
        OptionalString applicability, inclusion, exclusion, status, notes, owner;
        OptionalList evidence;
        bool clear_evidence = false;
        OptionalInt expect;
    };
    auto st = std::make_shared<SetOpts>();
    auto* set = soa->add_subcommand("set", "record a decision for a control");
    set->add_option("control", st->control, "Annex A control id")->required();
    st->applicability.Add(set, "--applicability,-a", "applicable, not_applicable or undecided");
    st->inclusion.Add(set, "--reason,--inclusion-reason", "business need or other reason for inclusion");
    st->exclusion.Add(set, "--exclusion-reason", "why the control does not apply (required for not_applicable)");
    st->status.Add(set, "--status", "not_started, planned, partial or implemented");
    st->notes.Add(set, "--notes", "how it is implemented");
    st->owner.Add(set, "--owner", "person record id");
    st->evidence.Add(set, "--evidence", "link to evidence: a URL or record id (repeatable; replaces the list)");
    set->add_flag("--clear-evidence", st->clear_evidence, "remove every evidence link");
    st->expect.Add(set, "--expect-version", "refuse when the entry changed since this version");
    set->callback([&g, st] {
        auto app = OpenApp(g);
        soa::DecisionInput in;
        in.applicability = st->applicability.get();
        in.inclusion_reason = st->inclusion.get();
        in.exclusion_reason = st->exclusion.get();
        in.status = st->status.get();
        in.notes = st->notes.get();
        in.owner = st->owner.get();
        in.evidence = st->evidence.get();
        if (st->clear_evidence) in.evidence = std::vector<std::string>{};
        std::optional<int64_t> expect;
        if (st->expect.given()) expect = st->expect.value;
        auto e = app->soa().Decide(CliContext(*app, g), st->control, in, expect);
        if (g.format == "json") return PrintJson(e.ToJson());
        Say(g, fmt::format("{} {}: {}, {}", e.control_id, e.title, e.applicability, e.status));
    });

    soa->add_subcommand("check", "the \"none overlooked\" comparison: exit 1 when anything is open")
        ->callback([&g] {
            auto app = OpenApp(g);
            auto items = app->soa().Check(CliContext(*app, g));
            PrintCheck(items, g);
            if (!items.empty()) throw CLI::RuntimeError(1);
        });

    soa->add_subcommand("summary", "counts by applicability and status")->callback([&g] {
        auto app = OpenApp(g);
        auto s = app->soa().Summarise(CliContext(*app, g));
        if (g.format == "json") return PrintJson(s.ToJson());
        io::Table t{{"measure", "count"}, {}};
        t.rows.push_back({"controls", std::to_string(s.controls)});
        t.rows.push_back({"applicable", std::to_string(s.applicable)});
        t.rows.push_back({"not applicable", std::to_string(s.not_applicable)});
        t.rows.push_back({"undecided", std::to_string(s.undecided)});
        for (const auto& [k, v] : s.by_status) t.rows.push_back({"status " + k, std::to_string(v)});
        t.rows.push_back({"open check items", std::to_string(s.open_items)});
        Print(t, g);
    });

    struct ApproveOpts {
        std::string comment, override_reason;
    };
    auto ap = std::make_shared<ApproveOpts>();
    auto* approve = soa->add_subcommand("approve", "approve the current statement as the next version");
    approve->add_option("--comment,-m", ap->comment, "what this version is for");
    approve->add_option("--override-reason", ap->override_reason,
                        "approve although `soa check` has open items; recorded with the version");
    approve->callback([&g, ap] {
        auto app = OpenApp(g);
        auto v = app->soa().Approve(CliContext(*app, g), {ap->comment, ap->override_reason});
        if (g.format == "json") return PrintJson(v.ToJson(false));
        Say(g, fmt::format("approved SoA version {} (risk criteria version {}{})", v.version, v.criteria_version,
                           v.open_items ? fmt::format(", {} open items overridden", v.open_items) : ""));
    });

    soa->add_subcommand("versions", "approved versions")->callback([&g] {
        auto app = OpenApp(g);
        io::Table t{{"version", "approved_at", "approved_by", "criteria", "open_items", "comment", "override_reason"},
                    {}};
        for (const auto& v : app->soa().Versions(CliContext(*app, g)))
            t.rows.push_back({std::to_string(v.version), v.approved_at, v.approved_by,
                              std::to_string(v.criteria_version), std::to_string(v.open_items), v.comment,
                              v.override_reason});
        Print(t, g);
    });

    struct DiffOpts {
        std::string from, to = "current";
    };
    auto df = std::make_shared<DiffOpts>();
    auto* diff = soa->add_subcommand("diff", "what changed between two approved versions: isms soa diff v3 v4");
    diff->add_option("from", df->from, "version (3 or v3)")->required();
    diff->add_option("to", df->to, "version, or current (default)");
    diff->callback([&g, df] {
        auto app = OpenApp(g);
        int from = ParseVersion(df->from), to = ParseVersion(df->to);
        if (from == 0) throw Error::InvalidInput("compare from an approved version", {{"from", "not a version"}});
        auto changes = app->soa().Diff(CliContext(*app, g), from, to);
        if (g.format == "json") {
            Json a = Json::array();
            for (const auto& c : changes) a.push_back(c.ToJson());
            return PrintJson({{"from", from}, {"to", to}, {"changes", a}});
        }
        auto show = [](const Json& j) {
            if (j.is_null()) return std::string();
            if (j.is_string()) return j.get<std::string>();
            if (j.is_array()) {
                std::string s;
                for (const auto& x : j) s += (s.empty() ? "" : ", ") + (x.is_string() ? x.get<std::string>() : x.dump());
                return s;
            }
            return j.dump();
        };
        io::Table t{{"control", "title", "field", "before", "after"}, {}};
        for (const auto& c : changes) t.rows.push_back({c.control_id, c.title, c.field, show(c.before), show(c.after)});
        Print(t, g);
        Say(g, fmt::format("{} change{} from v{} to {}", changes.size(), changes.size() == 1 ? "" : "s", from,
                           to ? "v" + std::to_string(to) : "the current statement"));
    });

    struct ExportOpts {
        std::string out, version;
    };
    auto ex = std::make_shared<ExportOpts>();
    auto* exp = soa->add_subcommand("export", "the statement as .xlsx or .csv (by the file's extension)");
    exp->add_option("--out,-o", ex->out, "file to write")->required();
    exp->add_option("--version", ex->version, "an approved version (default: the current statement)");
    exp->callback([&g, ex] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g);
        soa::ExportData d;
        d.organisation = app->organisations().Resolve(g.org).name;
        int v = ex->version.empty() ? 0 : ParseVersion(ex->version);
        if (v) {
            d.version = app->soa().GetVersion(ctx, v);
            d.entries = d.version->entries;
        } else {
            d.entries = app->soa().Current(ctx);
        }
        auto ext = std::filesystem::path(ex->out).extension().string();
        std::string bytes;
        if (ext == ".xlsx") {
            bytes = soa::SoaXlsx(d);
        } else if (ext == ".csv") {
            bytes = io::RenderCsv(soa::SoaTable(d));
        } else {
            throw Error::InvalidInput(fmt::format("cannot tell the format of '{}': use .xlsx or .csv", ex->out),
                                      {{"out", "unknown extension", {".xlsx", ".csv"}}});
        }
        std::ofstream out(ex->out, std::ios::binary | std::ios::trunc);
        if (!out || !out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())))
            throw Error::Unavailable(fmt::format("cannot write '{}'", ex->out));
        Say(g, fmt::format("wrote the {} to {}", v ? fmt::format("approved SoA v{}", v) : "current SoA", ex->out));
    });
}

}  // namespace isms::cli
