#include "isms/risk/register.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <unordered_map>

#include "isms/core/error.hpp"
#include "isms/core/nesting.hpp"
#include "isms/core/time.hpp"
#include "isms/io/csv.hpp"
#include "isms/risk/acceptance.hpp"
#include "isms/risk/json_input.hpp"

namespace isms::risk {

using store::Null;
using store::V;

// Input parsing ---------------------------------------------------------------------------------------------

RiskInput RiskInput::FromJson(const Json& j) {
    JsonInput in(j, {"title", "description", "scenario", "owner", "existing_controls", "review_date", "approach",
                     "assets", "threats", "vulnerabilities", "cia", "likelihood", "consequence", "note", "closed",
                     "treatment"});
    RiskInput r;
    r.title = in.OptString("title");
    r.description = in.OptString("description");
    r.scenario = in.OptString("scenario");
    r.owner = in.OptString("owner");
    r.existing_controls = in.OptString("existing_controls");
    r.review_date = in.OptString("review_date");
    r.approach = in.OptString("approach");
    r.assets = in.OptStrings("assets");
    r.threats = in.OptStrings("threats");
    r.vulnerabilities = in.OptStrings("vulnerabilities");
    if (j.is_object() && j.contains("cia") && !j["cia"].is_null()) {
        try {
            if (j["cia"].is_string()) {
                r.cia = Cia::Parse(j["cia"].get<std::string>());
            } else if (auto l = in.OptStrings("cia")) {
                r.cia = Cia::FromList(*l);
            }
        } catch (const Error& e) {
            in.Bad("cia", e.what());
        }
    }
    r.likelihood = in.OptInt("likelihood");
    r.consequence = in.OptInt("consequence");
    r.note = in.OptString("note");
    r.closed = in.OptBool("closed");
    if (j.is_object() && j.contains("treatment") && !j["treatment"].is_null()) {
        try {
            r.treatment = TreatmentInput::FromJson(j["treatment"]);
        } catch (const Error& e) {
            for (const auto& d : e.details()) in.Bad("treatment." + d.field, d.message);
        }
    }
    in.Finish();
    return r;
}

std::vector<RiskInput> RisksFromCsv(std::string_view text) {
    auto doc = io::ParseCsv(text);
    static const std::set<std::string> kText = {"title", "description", "approach", "scenario", "owner", "cia",
                                                "existing_controls", "review_date", "note"};
    static const std::set<std::string> kLists = {"assets", "threats", "vulnerabilities"};
    static const std::set<std::string> kInts = {"likelihood", "consequence", "residual_likelihood",
                                                "residual_consequence"};
    static const std::set<std::string> kTreatment = {"treatment", "controls", "own_controls", "plan",
                                                     "residual_likelihood", "residual_consequence"};
    static const std::set<std::string> kTreatmentLists = {"controls", "own_controls"};
    std::vector<ErrorDetail> errs;
    for (size_t c = 0; c < doc.header.size(); ++c) {
        const auto& h = doc.header[c];
        if (!kText.count(h) && !kLists.count(h) && !kInts.count(h) && !kTreatment.count(h)) {
            std::vector<std::string> allowed;
            for (const auto* set : {&kText, &kLists, &kInts, &kTreatment})
                allowed.insert(allowed.end(), set->begin(), set->end());
            errs.push_back({h, "unknown column", allowed, 1, static_cast<int>(c) + 1});
        }
    }
    std::vector<RiskInput> out;
    for (const auto& rec : doc.records) {
        Json j = Json::object();
        Json t = Json::object();
        for (size_t c = 0; c < doc.header.size() && c < rec.fields.size(); ++c) {
            const auto& h = doc.header[c];
            const auto& v = rec.fields[c];
            if (v.empty()) continue;
            Json& target = kTreatment.count(h) ? t : j;
            std::string key = h == "treatment" ? "option" : h;
            if (kLists.count(h) || kTreatmentLists.count(h)) {
                Json list = Json::array();
                size_t i = 0;
                while (i <= v.size()) {
                    size_t k = v.find(';', i);
                    if (k == std::string::npos) k = v.size();
                    std::string part = v.substr(i, k - i);
                    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
                    while (!part.empty() && part.back() == ' ') part.pop_back();
                    if (!part.empty()) list.push_back(part);
                    i = k + 1;
                }
                target[key] = list;
            } else if (kInts.count(h)) {
                if (v.find_first_not_of("0123456789") != std::string::npos || v.size() > 6) {
                    errs.push_back({h, fmt::format("'{}' is not a whole number", v), {}, rec.line,
                                    static_cast<int>(c) + 1});
                    continue;
                }
                target[key] = std::stoi(v);
            } else {
                target[key] = v;
            }
        }
        if (!t.empty()) j["treatment"] = t;
        try {
            RiskInput in = RiskInput::FromJson(j);
            in.line = rec.line;
            out.push_back(std::move(in));
        } catch (const Error& e) {
            for (auto d : e.details()) {
                d.line = rec.line;
                errs.push_back(d);
            }
        }
    }
    if (!errs.empty()) {
        std::string msg = fmt::format("the CSV file cannot be imported: line {}: {} {}", errs[0].line, errs[0].field,
                                      errs[0].message);
        throw Error::InvalidInput(msg, std::move(errs));
    }
    return out;
}

std::vector<RiskInput> RisksFromJson(const Json& doc) {
    const Json& items = doc.is_object() && doc.contains("items") ? doc["items"] : doc;
    if (!items.is_array())
        throw Error::InvalidInput("a JSON import is an array of risks, or an object with \"items\": an array of risks",
                                  {{"items", "required"}});
    std::vector<RiskInput> out;
    std::vector<ErrorDetail> errs;
    for (size_t i = 0; i < items.size(); ++i) {
        try {
            out.push_back(RiskInput::FromJson(items[i]));
            out.back().line = static_cast<int>(i) + 1;
        } catch (const Error& e) {
            for (auto d : e.details()) {
                d.field = fmt::format("items[{}].{}", i, d.field);
                d.line = static_cast<int>(i) + 1;
                errs.push_back(d);
            }
            if (e.details().empty()) errs.push_back({fmt::format("items[{}]", i), e.what(), {}, static_cast<int>(i) + 1});
        }
    }
    if (!errs.empty()) {
        std::string msg = fmt::format("no risk was imported: {} {}", errs[0].field, errs[0].message);
        throw Error::InvalidInput(msg, std::move(errs));
    }
    return out;
}

std::vector<RiskInput> RisksFromJson(std::string_view text) {
    return RisksFromJson(ParseUserJson(text, "the file"));
}

TreatmentInput TreatmentInput::FromJson(const Json& j) {
    JsonInput in(j, {"option", "controls", "own_controls", "plan", "residual_likelihood", "residual_consequence"});
    TreatmentInput t;
    t.option = in.OptString("option");
    t.controls = in.OptStrings("controls");
    t.own_controls = in.OptStrings("own_controls");
    t.plan = in.OptString("plan");
    t.residual_likelihood = in.OptInt("residual_likelihood");
    t.residual_consequence = in.OptInt("residual_consequence");
    in.Finish();
    return t;
}

ActionInput ActionInput::FromJson(const Json& j) {
    JsonInput in(j, {"title", "owner", "due_date", "status", "control", "notes"});
    ActionInput a;
    a.title = in.OptString("title");
    a.owner = in.OptString("owner");
    a.due_date = in.OptString("due_date");
    a.status = in.OptString("status");
    a.control = in.OptString("control");
    a.notes = in.OptString("notes");
    in.Finish();
    return a;
}

AcceptanceInput AcceptanceInput::FromJson(const Json& j) {
    JsonInput in(j, {"person", "comment"});
    AcceptanceInput a;
    a.person = in.OptString("person");
    a.comment = in.OptString("comment").value_or("");
    in.Finish();
    return a;
}

Json OwnControl::ToJson() const {
    return {{"id", id}, {"title", title}, {"description", description}, {"version", row_version}};
}

namespace {

constexpr const char* kRiskColumns =
    "id, number, title, description, approach, scenario, owner_id, cia, existing_controls, review_date, status, "
    "closed, criteria_version, likelihood, consequence, level, treatment_option, treatment_plan, "
    "residual_likelihood, residual_consequence, residual_level, treatment_at, treatment_by, acceptance_id, "
    "created_at, created_by, updated_at, row_version";

constexpr const char* kActionColumns =
    "id, risk_id, title, owner_id, due_date, status, control_id, notes, completed_on, created_at, updated_at, "
    "row_version";

constexpr const char* kAcceptanceColumns =
    "id, risk_id, person_id, recorded_by, at, comment, criteria_version, likelihood, consequence, level, authority";

Risk RiskFromRow(const store::Row& r) {
    Risk k;
    k.id = r.Str(0);
    k.number = r.Int(1);
    k.title = r.Str(2);
    k.description = r.Str(3);
    k.approach = ParseApproach(r.Str(4)).value_or(Approach::kAssetBased);
    k.scenario = r.Str(5);
    k.owner = r.Str(6);
    k.cia = Cia::Parse(r.Str(7));
    k.existing_controls = r.Str(8);
    k.review_date = r.Str(9);
    k.status = r.Str(10);
    k.closed = r.Int(11) != 0;
    if (!r.IsNull(13)) {
        k.inherent = Score{static_cast<int>(r.Int(13)), static_cast<int>(r.Int(14)), static_cast<int>(r.Int(12)),
                           r.Str(15)};
    }
    if (!r.IsNull(16)) {
        Treatment t;
        t.option = ParseOption(r.Str(16)).value_or(TreatmentOption::kModify);
        t.plan = r.Str(17);
        if (!r.IsNull(18))
            t.residual = Score{static_cast<int>(r.Int(18)), static_cast<int>(r.Int(19)),
                               k.inherent ? k.inherent->criteria_version : 0, r.Str(20)};
        t.decided_at = r.Str(21);
        t.decided_by = r.Str(22);
        k.treatment = std::move(t);
    }
    if (!r.IsNull(23)) {
        Acceptance a;
        a.id = r.Str(23);
        k.acceptance = a;  // filled in by the caller
    }
    k.created_at = r.Str(24);
    k.created_by = r.Str(25);
    k.updated_at = r.Str(26);
    k.row_version = r.Int(27);
    return k;
}

TreatmentAction ActionFromRow(const store::Row& r) {
    TreatmentAction a;
    a.id = r.Str(0);
    a.risk_id = r.Str(1);
    a.title = r.Str(2);
    a.owner = r.Str(3);
    a.due_date = r.Str(4);
    a.status = r.Str(5);
    a.control = r.Str(6);
    a.notes = r.Str(7);
    a.completed_on = r.Str(8);
    a.created_at = r.Str(9);
    a.updated_at = r.Str(10);
    a.row_version = r.Int(11);
    return a;
}

Acceptance AcceptanceFromRow(const store::Row& r) {
    Acceptance a;
    a.id = r.Str(0);
    a.risk_id = r.Str(1);
    a.person_id = r.Str(2);
    a.recorded_by = r.Str(3);
    a.at = r.Str(4);
    a.comment = r.Str(5);
    a.residual = Score{static_cast<int>(r.Int(7)), static_cast<int>(r.Int(8)), static_cast<int>(r.Int(6)), r.Str(9)};
    a.authority = r.Str(10);
    return a;
}

void AddLink(Risk& k, const std::string& kind, const std::string& target) {
    if (kind == "asset") {
        k.assets.push_back(target);
    } else if (kind == "threat") {
        k.threats.push_back(target);
    } else if (kind == "vulnerability") {
        k.vulnerabilities.push_back(target);
    } else if (kind == "control" && k.treatment) {
        k.treatment->controls.push_back(target);
    } else if (kind == "own_control" && k.treatment) {
        k.treatment->own_controls.push_back(target);
    }
}

// The status follows from the content (see risk.hpp); only `closed` is set by people.
std::string DeriveStatus(const Risk& k) {
    if (k.closed) return "closed";
    if (k.acceptance) return "accepted";
    if (k.treatment) {
        bool any = false, all_done = true;
        for (const auto& a : k.actions) {
            if (a.status == "cancelled") continue;
            any = true;
            if (a.status != "done") all_done = false;
        }
        bool no_actions_needed = k.treatment->option == TreatmentOption::kRetain;
        if ((any && all_done) || (!any && no_actions_needed)) return "treated";
        return "treatment_planned";
    }
    if (k.inherent) return "assessed";
    return "identified";
}

std::vector<std::string> Dedupe(const std::vector<std::string>& v) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const auto& s : v)
        if (seen.insert(s).second) out.push_back(s);
    return out;
}

int64_t NextNumber(store::Db& db, const char* table, const std::string& org_id) {
    auto r = db.QueryOne(fmt::format("SELECT MAX(number) FROM {} WHERE org_id = ?", table), {V(org_id)});
    return (r && !r->IsNull(0) ? r->Int(0) : 0) + 1;
}

void CheckDate(const std::string& value, const std::string& field, std::vector<ErrorDetail>& errs) {
    if (!value.empty() && !time::ParseDate(value))
        errs.push_back({field, fmt::format("'{}' is not a date of the form YYYY-MM-DD", value)});
}

[[noreturn]] void ThrowAll(std::string what, std::vector<ErrorDetail> errs) {
    const ErrorDetail& first = errs[0];
    std::string msg = fmt::format("{}: {}{}{}", what, first.line ? fmt::format("line {}: ", first.line) : "",
                                  first.field.empty() ? "" : first.field + " ", first.message);
    if (errs.size() > 1) msg += fmt::format(" (and {} more problem{})", errs.size() - 1, errs.size() == 2 ? "" : "s");
    throw Error::InvalidInput(msg, std::move(errs));
}

void CheckVersion(const std::string& what, int64_t stored, std::optional<int64_t> expected) {
    if (expected && *expected != stored)
        throw Error(ErrorCode::kPreconditionFailed,
                    fmt::format("{} was changed by someone else (version {} is current, not {}): reload and try again",
                                what, stored, *expected));
}

Json LogForm(const Risk& k) {
    Json j = k.ToJson();
    j.erase("actions");  // actions have their own log entries
    return j;
}

}  // namespace

// Loading ---------------------------------------------------------------------------------------------------

std::optional<Risk> RiskRegister::Load(store::Db& db, const std::string& org_id, const std::string& id) {
    auto row = db.QueryOne(fmt::format("SELECT {} FROM risks WHERE org_id = ? AND id = ?", kRiskColumns),
                           {V(org_id), V(id)});
    if (!row) return std::nullopt;
    Risk k = RiskFromRow(*row);
    for (const auto& r : db.Query("SELECT kind, target FROM risk_links WHERE org_id = ? AND risk_id = ? ORDER BY "
                                  "kind, position",
                                  {V(org_id), V(id)}))
        AddLink(k, r.Str(0), r.Str(1));
    if (k.acceptance) {
        auto a = db.QueryOne(fmt::format("SELECT {} FROM risk_acceptances WHERE org_id = ? AND id = ?",
                                         kAcceptanceColumns),
                             {V(org_id), V(k.acceptance->id)});
        if (a) {
            k.acceptance = AcceptanceFromRow(*a);
            k.acceptance->current = true;
        } else {
            k.acceptance.reset();
        }
    }
    for (const auto& r : db.Query(fmt::format("SELECT {} FROM risk_actions WHERE org_id = ? AND risk_id = ? ORDER "
                                              "BY number",
                                              kActionColumns),
                                  {V(org_id), V(id)}))
        k.actions.push_back(ActionFromRow(r));
    return k;
}

std::optional<Risk> RiskRegister::Find(const Context& ctx, const std::string& id) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) { return Load(db, ctx.org_id, id); });
}

std::vector<records::DueItem> RiskRegister::ReviewsDue(const Context& ctx, const records::DueWindow& window) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) {
        std::vector<records::DueItem> out;
        for (const auto& r : db.Query("SELECT id, title, status, review_date FROM risks WHERE org_id = ? AND closed = 0 "
                                      "AND review_date <> '' AND review_date <= ? ORDER BY review_date, number",
                                      {V(ctx.org_id), V(window.until)})) {
            records::DueItem d{"risk", "Risk", r.Str(0), r.Str(1), r.Str(2), r.Str(3), 0};
            d.days_left = window.DaysLeft(d.next_review);
            out.push_back(std::move(d));
        }
        return out;
    });
}

Risk RiskRegister::Get(const Context& ctx, const std::string& id) {
    RequirePermission(ctx, Permission::kRead);
    auto k = store_.Read([&](store::Db& db) { return Load(db, ctx.org_id, id); });
    if (!k) throw Error::NotFound(fmt::format("no risk '{}'", id));
    return *k;
}

std::vector<Risk> RiskRegister::List(const Context& ctx, const RiskFilter& f) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) {
        std::vector<Risk> risks;
        std::unordered_map<std::string, size_t> index;
        for (const auto& r : db.Query(fmt::format("SELECT {} FROM risks WHERE org_id = ? ORDER BY number", kRiskColumns),
                                      {V(ctx.org_id)})) {
            risks.push_back(RiskFromRow(r));
            index.emplace(risks.back().id, risks.size() - 1);
        }
        for (const auto& r : db.Query("SELECT risk_id, kind, target FROM risk_links WHERE org_id = ? ORDER BY "
                                      "risk_id, kind, position",
                                      {V(ctx.org_id)})) {
            auto it = index.find(r.Str(0));
            if (it != index.end()) AddLink(risks[it->second], r.Str(1), r.Str(2));
        }
        for (const auto& r : db.Query(fmt::format("SELECT {} FROM risk_acceptances WHERE org_id = ? AND id IN "
                                                  "(SELECT acceptance_id FROM risks WHERE org_id = ? AND "
                                                  "acceptance_id IS NOT NULL)",
                                                  kAcceptanceColumns),
                                      {V(ctx.org_id), V(ctx.org_id)})) {
            auto a = AcceptanceFromRow(r);
            a.current = true;
            auto it = index.find(a.risk_id);
            if (it != index.end()) risks[it->second].acceptance = std::move(a);
        }
        for (const auto& r : db.Query(fmt::format("SELECT {} FROM risk_actions WHERE org_id = ? ORDER BY number",
                                                  kActionColumns),
                                      {V(ctx.org_id)})) {
            auto a = ActionFromRow(r);
            auto it = index.find(a.risk_id);
            if (it != index.end()) risks[it->second].actions.push_back(std::move(a));
        }
        std::vector<Risk> out;
        out.reserve(risks.size());
        for (auto& k : risks) {
            if (!f.include_closed && k.closed) continue;
            if (!f.owner.empty() && k.owner != f.owner) continue;
            if (!f.status.empty() && k.status != f.status) continue;
            if (!f.asset.empty() && std::find(k.assets.begin(), k.assets.end(), f.asset) == k.assets.end()) continue;
            if (!f.control.empty()) {
                if (!k.treatment) continue;
                const auto& c = k.treatment->controls;
                const auto& o = k.treatment->own_controls;
                if (std::find(c.begin(), c.end(), f.control) == c.end() &&
                    std::find(o.begin(), o.end(), f.control) == o.end())
                    continue;
            }
            out.push_back(std::move(k));
        }
        return out;
    });
}

std::vector<Assessment> RiskRegister::History(const Context& ctx, const std::string& id) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) {
        if (!db.QueryOne("SELECT id FROM risks WHERE org_id = ? AND id = ?", {V(ctx.org_id), V(id)}))
            throw Error::NotFound(fmt::format("no risk '{}'", id));
        std::vector<Assessment> out;
        for (const auto& r : db.Query("SELECT seq, kind, at, actor, criteria_version, likelihood, consequence, level, "
                                      "note FROM risk_assessments WHERE org_id = ? AND risk_id = ? ORDER BY seq",
                                      {V(ctx.org_id), V(id)})) {
            Assessment a;
            a.seq = r.Int(0);
            a.kind = r.Str(1);
            a.at = r.Str(2);
            a.actor = r.Str(3);
            a.score = Score{static_cast<int>(r.Int(5)), static_cast<int>(r.Int(6)), static_cast<int>(r.Int(4)),
                            r.Str(7)};
            a.note = r.Str(8);
            out.push_back(std::move(a));
        }
        return out;
    });
}

std::vector<Acceptance> RiskRegister::Acceptances(const Context& ctx, const std::string& id) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) {
        auto cur = db.QueryOne("SELECT acceptance_id FROM risks WHERE org_id = ? AND id = ?", {V(ctx.org_id), V(id)});
        if (!cur) throw Error::NotFound(fmt::format("no risk '{}'", id));
        std::vector<Acceptance> out;
        for (const auto& r : db.Query(fmt::format("SELECT {} FROM risk_acceptances WHERE org_id = ? AND risk_id = ? "
                                                  "ORDER BY number",
                                                  kAcceptanceColumns),
                                      {V(ctx.org_id), V(id)})) {
            auto a = AcceptanceFromRow(r);
            a.current = !cur->IsNull(0) && cur->Str(0) == a.id;
            out.push_back(std::move(a));
        }
        return out;
    });
}

// Validation ------------------------------------------------------------------------------------------------

struct RiskRegister::Known {
    std::map<std::string, std::vector<std::string>> threats;  // id → properties it affects
    std::set<std::string> vulnerabilities;

    static Known Load(store::Db& db, const std::string& org_id) {
        Known k;
        for (const auto& e : RiskLibrary::Load(db, org_id, LibraryKind::kThreat)) k.threats[e.id] = e.affects;
        for (const auto& e : RiskLibrary::Load(db, org_id, LibraryKind::kVulnerability)) k.vulnerabilities.insert(e.id);
        return k;
    }
    // The union of the properties the named threats affect (used when the input names none).
    Cia PropertiesOf(const std::vector<std::string>& ids) const {
        std::vector<std::string> props;
        for (const auto& id : ids)
            if (auto it = threats.find(id); it != threats.end()) props.insert(props.end(), it->second.begin(), it->second.end());
        return Cia::FromList(props);
    }
};

namespace {

// Applies the fields of an input to a risk (types were checked by FromJson).
void ApplyInput(Risk& k, const RiskInput& in, bool creating, std::vector<ErrorDetail>& errs,
                const std::string& prefix) {
    if (in.title) k.title = *in.title;
    if (in.description) k.description = *in.description;
    if (in.scenario) k.scenario = *in.scenario;
    if (in.owner) k.owner = *in.owner;
    if (in.existing_controls) k.existing_controls = *in.existing_controls;
    if (in.review_date) k.review_date = *in.review_date;
    if (in.assets) k.assets = Dedupe(*in.assets);
    if (in.threats) k.threats = Dedupe(*in.threats);
    if (in.vulnerabilities) k.vulnerabilities = Dedupe(*in.vulnerabilities);
    if (in.cia) k.cia = *in.cia;
    if (in.closed) k.closed = *in.closed;
    if (in.approach) {
        if (auto a = ParseApproach(*in.approach)) {
            k.approach = *a;
        } else {
            errs.push_back({prefix + "approach", fmt::format("'{}' is not an identification approach", *in.approach),
                            {"asset", "scenario"}});
        }
    } else if (creating) {
        // Unless told otherwise: a risk described by a scenario is event-based, else asset-based.
        k.approach = k.scenario.empty() ? Approach::kAssetBased : Approach::kEventBased;
    }
    if (in.likelihood.has_value() != in.consequence.has_value())
        errs.push_back({prefix + (in.likelihood ? "consequence" : "likelihood"),
                        "likelihood and consequence are given together"});
}

}  // namespace

void RiskRegister::CheckRecords(const Context& ctx, const std::vector<const Risk*>& risks,
                                std::vector<ErrorDetail>& errs, const std::vector<int>& lines) {
    bool indexed = !lines.empty();
    std::set<std::string> persons, assets;
    for (const auto* k : risks) {
        if (!k->owner.empty()) persons.insert(k->owner);
        assets.insert(k->assets.begin(), k->assets.end());
    }
    auto found = [&](const std::string& type, const std::set<std::string>& ids) {
        std::set<std::string> out;
        if (ids.empty()) return out;
        for (const auto& r : records_.Find(ctx, type, {ids.begin(), ids.end()})) out.insert(r.id);
        return out;
    };
    auto known_persons = found("person", persons);
    auto known_assets = found("asset", assets);
    for (size_t i = 0; i < risks.size(); ++i) {
        std::string prefix = indexed ? fmt::format("items[{}].", i) : "";
        int line = indexed ? lines[i] : 0;
        const Risk& k = *risks[i];
        if (!k.owner.empty() && !known_persons.count(k.owner))
            errs.push_back({prefix + "owner", fmt::format("there is no person '{}'", k.owner), {}, line});
        for (const auto& a : k.assets)
            if (!known_assets.count(a))
                errs.push_back({prefix + "assets", fmt::format("there is no asset '{}'", a), {}, line});
    }
}

void RiskRegister::Validate(const Risk& k, const Known& known, std::vector<ErrorDetail>& errs,
                            const std::string& prefix) {
    if (k.title.empty() || k.title.size() > 200) errs.push_back({prefix + "title", "required, 1 to 200 characters"});
    for (const auto& [text, field] : {std::pair{&k.description, "description"}, std::pair{&k.scenario, "scenario"},
                                      std::pair{&k.existing_controls, "existing_controls"}})
        if (text->size() > 20000) errs.push_back({prefix + field, "at most 20000 characters"});
    if (k.owner.empty())
        errs.push_back({prefix + "owner", "every risk needs an owner: the id of a person record (27001 6.1.2 c 2)"});
    CheckDate(k.review_date, prefix + "review_date", errs);
    if (k.approach == Approach::kAssetBased) {
        if (k.assets.empty())
            errs.push_back({prefix + "assets", "an asset-based risk names at least one asset (or describe a scenario "
                                               "for an event-based risk)"});
        if (k.threats.empty()) errs.push_back({prefix + "threats", "an asset-based risk names at least one threat"});
        if (k.vulnerabilities.empty())
            errs.push_back({prefix + "vulnerabilities", "an asset-based risk names at least one vulnerability"});
    } else if (k.scenario.empty()) {
        errs.push_back({prefix + "scenario", "an event-based risk describes its scenario"});
    }
    if (!k.cia.Any())
        errs.push_back({prefix + "cia", "name the security properties the risk would harm", {"C", "I", "A"}});
    for (const auto& t : k.threats)
        if (!known.threats.count(t))
            errs.push_back({prefix + "threats", fmt::format("'{}' is not in the threat library", t)});
    for (const auto& v : k.vulnerabilities)
        if (!known.vulnerabilities.count(v))
            errs.push_back({prefix + "vulnerabilities", fmt::format("'{}' is not in the vulnerability library", v)});
}

// Writing ---------------------------------------------------------------------------------------------------

void RiskRegister::AddAssessment(store::WriteTx& tx, const std::string& risk_id, const std::string& kind,
                                 const Score& s, const std::string& note) {
    const auto& org = tx.ctx().org_id;
    auto r = tx.QueryOne("SELECT MAX(seq) FROM risk_assessments WHERE org_id = ? AND risk_id = ?", {V(org), V(risk_id)});
    int64_t seq = (r && !r->IsNull(0) ? r->Int(0) : 0) + 1;
    tx.Exec("INSERT INTO risk_assessments (org_id, risk_id, seq, kind, at, actor, criteria_version, likelihood, "
            "consequence, level, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {V(org), V(risk_id), V(seq), V(kind), V(time::NowUtc()), V(tx.ctx().actor), V(s.criteria_version),
             V(s.likelihood), V(s.consequence), V(s.level), V(note)});
}

void RiskRegister::Write(store::WriteTx& tx, const Risk* before, Risk& k) {
    const auto& org = tx.ctx().org_id;
    k.status = DeriveStatus(k);
    k.updated_at = time::NowUtc();
    k.row_version = before ? before->row_version + 1 : 1;
    auto opt_int = [](const std::optional<Score>& s, bool likelihood) {
        return s ? V(likelihood ? s->likelihood : s->consequence) : Null();
    };
    const std::optional<Score> none;
    const auto& residual = k.treatment ? k.treatment->residual : none;
    store::Params p = {V(k.title),
                       V(k.description),
                       V(ApproachName(k.approach)),
                       V(k.scenario),
                       V(k.owner),
                       V(k.cia.ToString()),
                       V(k.existing_controls),
                       V(k.review_date),
                       V(k.status),
                       V(k.closed),
                       k.inherent ? V(k.inherent->criteria_version) : Null(),
                       opt_int(k.inherent, true),
                       opt_int(k.inherent, false),
                       k.inherent ? V(k.inherent->level) : Null(),
                       k.treatment ? V(OptionName(k.treatment->option)) : Null(),
                       V(k.treatment ? k.treatment->plan : std::string()),
                       opt_int(residual, true),
                       opt_int(residual, false),
                       residual ? V(residual->level) : Null(),
                       V(k.treatment ? k.treatment->decided_at : std::string()),
                       V(k.treatment ? k.treatment->decided_by : std::string()),
                       k.acceptance ? V(k.acceptance->id) : Null(),
                       V(k.updated_at),
                       V(k.row_version)};
    if (before) {
        p.push_back(V(org));
        p.push_back(V(k.id));
        tx.Exec("UPDATE risks SET title = ?, description = ?, approach = ?, scenario = ?, owner_id = ?, cia = ?, "
                "existing_controls = ?, review_date = ?, status = ?, closed = ?, criteria_version = ?, likelihood = ?, "
                "consequence = ?, level = ?, treatment_option = ?, treatment_plan = ?, residual_likelihood = ?, "
                "residual_consequence = ?, residual_level = ?, treatment_at = ?, treatment_by = ?, acceptance_id = ?, "
                "updated_at = ?, row_version = ? WHERE org_id = ? AND id = ?",
                p);
    } else {
        k.created_at = k.updated_at;
        k.created_by = tx.ctx().actor;
        p.insert(p.begin(), {V(org), V(k.id), V(k.number)});
        p.push_back(V(k.created_at));
        p.push_back(V(k.created_by));
        tx.Exec("INSERT INTO risks (org_id, id, number, title, description, approach, scenario, owner_id, cia, "
                "existing_controls, review_date, status, closed, criteria_version, likelihood, consequence, level, "
                "treatment_option, treatment_plan, residual_likelihood, residual_consequence, residual_level, "
                "treatment_at, treatment_by, acceptance_id, updated_at, row_version, created_at, created_by) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                p);
    }
    // Links: rewritten only when they changed.
    auto links = [](const Risk& r) {
        std::vector<std::pair<std::string, const std::vector<std::string>*>> out = {
            {"asset", &r.assets}, {"threat", &r.threats}, {"vulnerability", &r.vulnerabilities}};
        static const std::vector<std::string> empty;
        out.push_back({"control", r.treatment ? &r.treatment->controls : &empty});
        out.push_back({"own_control", r.treatment ? &r.treatment->own_controls : &empty});
        return out;
    };
    auto after_links = links(k);
    for (size_t i = 0; i < after_links.size(); ++i) {
        const auto& [kind, ids] = after_links[i];
        if (before && *links(*before)[i].second == *ids) continue;
        if (before)
            tx.Exec("DELETE FROM risk_links WHERE org_id = ? AND risk_id = ? AND kind = ?", {V(org), V(k.id), V(kind)});
        for (size_t pos = 0; pos < ids->size(); ++pos)
            tx.Exec("INSERT INTO risk_links (org_id, risk_id, kind, target, position) VALUES (?, ?, ?, ?, ?)",
                    {V(org), V(k.id), V(kind), V((*ids)[pos]), V(static_cast<int64_t>(pos))});
    }
    // The records module keeps linked persons and assets from being deleted under the risk.
    if (!before || before->owner != k.owner) records_.Link(tx, "risk", k.id, "owner", "person", {k.owner});
    if (!before || before->assets != k.assets) records_.Link(tx, "risk", k.id, "assets", "asset", k.assets);
    tx.Log(org, "risk", k.id, before ? "update" : "create", before ? LogForm(*before) : Json(nullptr), LogForm(k));
}

Risk RiskRegister::LoadOrThrow(store::Db& db, const std::string& org_id, const std::string& id) {
    auto k = Load(db, org_id, id);
    if (!k) throw Error::NotFound(fmt::format("no risk '{}'", id));
    return *k;
}

namespace {

// Applies a treatment input to `k` (which has an inherent score on `crit`), collecting every problem with the
// field prefix. Annex A and own-control ids are checked against the given sets.
void ApplyTreatment(Risk& k, const TreatmentInput& in, const RiskCriteria& crit, const std::set<std::string>& annex,
                    const std::set<std::string>& own, std::vector<ErrorDetail>& errs, const std::string& prefix) {
    Treatment t = k.treatment.value_or(Treatment{});
    if (in.option) {
        if (auto o = ParseOption(*in.option)) {
            t.option = *o;
        } else {
            errs.push_back({prefix + "option", fmt::format("'{}' is not a treatment option", *in.option),
                            OptionNames()});
        }
    } else if (!k.treatment) {
        errs.push_back({prefix + "option", "choose a treatment option", OptionNames()});
    }
    if (in.controls) {
        t.controls = Dedupe(*in.controls);
        for (const auto& c : t.controls)
            if (!annex.count(c))
                errs.push_back({prefix + "controls",
                                fmt::format("'{}' is not an Annex A control of ISO/IEC 27001:2022 (5.1–5.37, 6.1–6.8, "
                                            "7.1–7.14, 8.1–8.34); the organisation's own controls go in own_controls",
                                            c)});
    }
    if (in.own_controls) {
        t.own_controls = Dedupe(*in.own_controls);
        for (const auto& c : t.own_controls)
            if (!own.count(c))
                errs.push_back({prefix + "own_controls",
                                fmt::format("'{}' is not one of the organisation's own controls (isms risk own-control "
                                            "list)",
                                            c)});
    }
    if (in.plan) t.plan = *in.plan;
    if (t.plan.size() > 20000) errs.push_back({prefix + "plan", "at most 20000 characters"});
    if (in.residual_likelihood.has_value() != in.residual_consequence.has_value())
        errs.push_back({prefix + (in.residual_likelihood ? "residual_consequence" : "residual_likelihood"),
                        "residual likelihood and consequence are given together"});
    const Score& inh = *k.inherent;
    if (in.residual_likelihood && in.residual_consequence) {
        try {
            const auto& lv = crit.LevelOf(*in.residual_likelihood, *in.residual_consequence,
                                          prefix + "residual_likelihood", prefix + "residual_consequence");
            t.residual = Score{*in.residual_likelihood, *in.residual_consequence, crit.version, lv.id};
        } catch (const Error& e) {
            errs.insert(errs.end(), e.details().begin(), e.details().end());
        }
    }
    if (t.option == TreatmentOption::kRetain) {
        if (!t.controls.empty() || !t.own_controls.empty())
            errs.push_back({prefix + "controls", "retaining a risk chooses no further controls; choose 'modify' to "
                                                 "add controls"});
        if (t.residual && (t.residual->likelihood != inh.likelihood || t.residual->consequence != inh.consequence))
            errs.push_back({prefix + "residual_likelihood", "retaining a risk keeps its inherent score as the "
                                                            "residual score"});
        t.residual = inh;
    }
    if (t.option == TreatmentOption::kModify && t.controls.empty() && t.own_controls.empty())
        errs.push_back({prefix + "controls", "modifying a risk chooses at least one control (Annex A or the "
                                             "organisation's own)"});
    if (t.residual && (t.residual->likelihood > inh.likelihood || t.residual->consequence > inh.consequence))
        errs.push_back({prefix + "residual_likelihood",
                        fmt::format("the residual score ({} × {}) may not exceed the inherent score ({} × {})",
                                    t.residual->likelihood, t.residual->consequence, inh.likelihood,
                                    inh.consequence)});
    k.treatment = t;
}

std::set<std::string> OwnControlIds(store::Db& db, const std::string& org_id) {
    std::set<std::string> own;
    for (const auto& r : db.Query("SELECT id FROM own_controls WHERE org_id = ?", {V(org_id)})) own.insert(r.Str(0));
    return own;
}

bool ResidualChanged(const Risk& before, const Risk& after) {
    const auto& b = before.treatment ? before.treatment->residual : std::optional<Score>{};
    const auto& a = after.treatment->residual;
    return b.has_value() != a.has_value() || (a && (b->likelihood != a->likelihood || b->consequence != a->consequence));
}

}  // namespace

// Risks -----------------------------------------------------------------------------------------------------

std::vector<Risk> RiskRegister::CreateMany(const Context& ctx, const std::vector<RiskInput>& items) {
    RequirePermission(ctx, Permission::kRiskWrite);
    if (items.empty()) return {};
    bool indexed = items.size() > 1 || items[0].line > 0;
    std::vector<int> lines;
    if (indexed)
        for (size_t i = 0; i < items.size(); ++i) lines.push_back(items[i].line ? items[i].line : static_cast<int>(i) + 1);
    std::vector<ErrorDetail> errs;
    std::vector<Risk> risks(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
        std::string prefix = indexed ? fmt::format("items[{}].", i) : "";
        size_t before = errs.size();
        ApplyInput(risks[i], items[i], true, errs, prefix);
        if (items[i].closed && *items[i].closed)
            errs.push_back({prefix + "closed", "a new risk cannot be closed"});
        for (size_t e = before; e < errs.size(); ++e) errs[e].line = indexed ? lines[i] : 0;
    }
    std::vector<const Risk*> ptrs;
    for (const auto& k : risks) ptrs.push_back(&k);
    CheckRecords(ctx, ptrs, errs, lines);
    std::set<std::string> annex;
    if (std::any_of(items.begin(), items.end(), [](const RiskInput& in) { return in.treatment.has_value(); }))
        for (const auto& id : AnnexAIds(ctx)) annex.insert(id);
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        Known known = Known::Load(tx, ctx.org_id);
        std::set<std::string> own;
        bool any_score =
            std::any_of(items.begin(), items.end(), [](const RiskInput& in) { return in.likelihood || in.treatment; });
        std::optional<RiskCriteria> crit;
        if (any_score) crit = RiskCriteriaService::EnsureCurrent(tx, ctx.org_id);
        for (size_t i = 0; i < items.size(); ++i) {
            std::string prefix = indexed ? fmt::format("items[{}].", i) : "";
            size_t before = errs.size();
            if (!items[i].cia) risks[i].cia = known.PropertiesOf(risks[i].threats);
            Validate(risks[i], known, errs, prefix);
            if (items[i].likelihood && items[i].consequence) {
                try {
                    const auto& lv = crit->LevelOf(*items[i].likelihood, *items[i].consequence, prefix + "likelihood",
                                                   prefix + "consequence");
                    risks[i].inherent = Score{*items[i].likelihood, *items[i].consequence, crit->version, lv.id};
                } catch (const Error& e) {
                    errs.insert(errs.end(), e.details().begin(), e.details().end());
                }
            }
            if (items[i].treatment) {
                if (!risks[i].inherent) {
                    // Every problem of the row is reported: the treatment is checked too, against the top of the
                    // scales so that only its own faults (option, controls, residual score) are named.
                    if (!items[i].likelihood || !items[i].consequence)
                        errs.push_back(
                            {prefix + "treatment", "a treatment needs the risk's likelihood and consequence"});
                    Risk scratch = risks[i];
                    scratch.inherent = Score{static_cast<int>(crit->likelihood.size()),
                                             static_cast<int>(crit->consequence.size()), crit->version, ""};
                    if (own.empty()) own = OwnControlIds(tx, ctx.org_id);
                    ApplyTreatment(scratch, *items[i].treatment, *crit, annex, own, errs, prefix + "treatment.");
                } else {
                    if (own.empty()) own = OwnControlIds(tx, ctx.org_id);
                    ApplyTreatment(risks[i], *items[i].treatment, *crit, annex, own, errs, prefix + "treatment.");
                    risks[i].treatment->decided_at = time::NowUtc();
                    risks[i].treatment->decided_by = ctx.actor;
                }
            }
            for (size_t e = before; e < errs.size(); ++e) errs[e].line = indexed ? lines[i] : 0;
        }
        if (!errs.empty()) {
            std::set<int> bad;
            for (const auto& e : errs) bad.insert(e.line);
            std::stable_sort(errs.begin(), errs.end(),
                             [](const ErrorDetail& a, const ErrorDetail& b) { return a.line < b.line; });
            std::string what = indexed ? fmt::format("nothing was imported: {} of {} risks {} problems", bad.size(),
                                                     items.size(), bad.size() == 1 ? "has" : "have")
                                       : std::string("the risk is not valid");
            ThrowAll(what, std::move(errs));
        }
        int64_t next = NextNumber(tx, "risks", ctx.org_id);
        for (size_t i = 0; i < risks.size(); ++i) {
            Risk& k = risks[i];
            k.number = next++;
            k.id = fmt::format("R-{}", k.number);
            Write(tx, nullptr, k);
            if (k.inherent) AddAssessment(tx, k.id, "inherent", *k.inherent, items[i].note.value_or(""));
            if (k.treatment && k.treatment->residual)
                AddAssessment(tx, k.id, "residual", *k.treatment->residual, k.treatment->plan.substr(0, 200));
        }
        return risks;
    });
}

Risk RiskRegister::Create(const Context& ctx, const RiskInput& in) { return CreateMany(ctx, {in}).front(); }

Risk RiskRegister::Update(const Context& ctx, const std::string& id, const RiskInput& in,
                          std::optional<int64_t> expected_version) {
    RequirePermission(ctx, Permission::kRiskWrite);
    // Records are checked before the transaction (they are another module's reads); the rest inside it.
    Risk preview = Get(ctx, id);
    std::vector<ErrorDetail> errs, ignored;
    ApplyInput(preview, in, false, ignored, "");
    CheckRecords(ctx, {&preview}, errs, {});
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        Risk before = LoadOrThrow(tx, ctx.org_id, id);
        CheckVersion("risk " + id, before.row_version, expected_version);
        Risk k = before;
        ApplyInput(k, in, false, errs, "");
        Known known = Known::Load(tx, ctx.org_id);
        Validate(k, known, errs, "");
        bool rescored = false;
        if (in.likelihood && in.consequence) {
            auto crit = RiskCriteriaService::EnsureCurrent(tx, ctx.org_id);
            try {
                const auto& lv = crit.LevelOf(*in.likelihood, *in.consequence);
                Score s{*in.likelihood, *in.consequence, crit.version, lv.id};
                if (!k.inherent || k.inherent->likelihood != s.likelihood || k.inherent->consequence != s.consequence ||
                    k.inherent->criteria_version != s.criteria_version) {
                    k.inherent = s;
                    rescored = true;
                }
            } catch (const Error& e) {
                errs.insert(errs.end(), e.details().begin(), e.details().end());
            }
        }
        if (!errs.empty()) ThrowAll("the risk is not valid", std::move(errs));
        if (rescored) {
            if (k.treatment && k.treatment->residual) {
                const auto& r = *k.treatment->residual;
                if (r.criteria_version != k.inherent->criteria_version) {
                    // Residual scores on older criteria cannot stand beside the new inherent score.
                    k.treatment->residual.reset();
                } else if (r.likelihood > k.inherent->likelihood || r.consequence > k.inherent->consequence) {
                    throw Error::InvalidInput(
                        fmt::format("the planned residual score of {} ({} × {}) would exceed the new inherent score "
                                    "({} × {}): change the treatment's residual score first",
                                    id, r.likelihood, r.consequence, k.inherent->likelihood, k.inherent->consequence),
                        {{"likelihood", "below the residual score"}});
                }
            }
            k.acceptance.reset();  // what was accepted no longer describes the risk
        }
        if (in.closed && !*in.closed && before.closed) k.acceptance.reset();
        Write(tx, &before, k);
        if (rescored) AddAssessment(tx, id, "inherent", *k.inherent, in.note.value_or(""));
        return k;
    });
}

Reassessment RiskRegister::Assess(const Context& ctx, const std::string& id, int likelihood, int consequence,
                                  const std::string& note, std::optional<int64_t> expected_version) {
    RequirePermission(ctx, Permission::kRiskWrite);
    if (note.size() > 4000) throw Error::InvalidInput("the note is longer than 4000 characters", {{"note", "too long"}});
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        Risk before = LoadOrThrow(tx, ctx.org_id, id);
        CheckVersion("risk " + id, before.row_version, expected_version);
        if (before.closed)
            throw Error::Conflict(fmt::format("{} is closed: reopen it before assessing it again", id));
        auto crit = RiskCriteriaService::EnsureCurrent(tx, ctx.org_id);
        const auto& lv = crit.LevelOf(likelihood, consequence);
        Reassessment out;
        Risk& k = out.risk;
        k = before;
        k.inherent = Score{likelihood, consequence, crit.version, lv.id};
        bool changed = !before.inherent || before.inherent->likelihood != likelihood ||
                       before.inherent->consequence != consequence || before.inherent->criteria_version != crit.version;
        if (changed && k.treatment && k.treatment->residual) {
            const auto r = *k.treatment->residual;
            // A residual score may not exceed the inherent one, and scores on different criteria versions cannot
            // stand side by side: the treatment estimates it again (isms risk treat).
            std::string why;
            if (r.criteria_version != crit.version)
                why = fmt::format("was made on risk criteria version {}, not the current version {}",
                                  r.criteria_version, crit.version);
            else if (r.likelihood > likelihood || r.consequence > consequence)
                why = fmt::format("exceeds the new inherent score {} × {}", likelihood, consequence);
            if (!why.empty()) {
                k.treatment->residual.reset();
                out.dropped_residual = r;
                out.notices.push_back(fmt::format(
                    "the planned residual score {} × {} ({}) {} and was removed: estimate it again (isms risk treat {} "
                    "--residual-likelihood L --residual-consequence C, or PUT /api/v1/risks/{}/treatment)",
                    r.likelihood, r.consequence, r.level, why, id, id));
            }
        }
        if (changed && k.acceptance) {
            out.ended_acceptance = k.acceptance;
            out.notices.push_back(
                fmt::format("the acceptance {} by {} no longer describes the risk and has ended: the "
                            "residual risk must be accepted again",
                            k.acceptance->id, k.acceptance->person_id));
        }
        if (changed) k.acceptance.reset();
        Write(tx, &before, k);
        AddAssessment(tx, id, "inherent", *k.inherent, note);
        return out;
    });
}

Json Reassessment::ToJson() const {
    Json j = risk.ToJson();
    j["notices"] = notices;
    return j;
}

// Treatment -------------------------------------------------------------------------------------------------

std::vector<std::string> RiskRegister::AnnexAIds(const Context& ctx) {
    std::vector<std::string> ids;
    for (const auto& c : AnnexAControls(catalog_, ctx)) ids.push_back(c.id);
    return ids;
}


Risk RiskRegister::Treat(const Context& ctx, const std::string& id, const TreatmentInput& in,
                         std::optional<int64_t> expected_version) {
    RequirePermission(ctx, Permission::kRiskWrite);
    auto annex_ids = AnnexAIds(ctx);
    std::set<std::string> annex(annex_ids.begin(), annex_ids.end());
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        Risk before = LoadOrThrow(tx, ctx.org_id, id);
        CheckVersion("risk " + id, before.row_version, expected_version);
        if (before.closed) throw Error::Conflict(fmt::format("{} is closed: reopen it before treating it", id));
        if (!before.inherent)
            throw Error::Conflict(fmt::format("{} has not been assessed yet: score its likelihood and consequence "
                                              "before deciding a treatment",
                                              id));
        auto crit = RiskCriteriaService::EnsureCurrent(tx, ctx.org_id);
        if (before.inherent->criteria_version != crit.version)
            throw Error::Conflict(fmt::format("{} was scored on risk criteria version {} but version {} is current: "
                                              "assess it again first (isms risk assess {} …)",
                                              id, before.inherent->criteria_version, crit.version, id));
        Risk k = before;
        std::vector<ErrorDetail> errs;
        ApplyTreatment(k, in, crit, annex, OwnControlIds(tx, ctx.org_id), errs, "");
        if (!errs.empty()) ThrowAll(fmt::format("the treatment of {} is not valid", id), std::move(errs));
        k.treatment->decided_at = time::NowUtc();
        k.treatment->decided_by = ctx.actor;
        k.acceptance.reset();  // a changed treatment needs a fresh acceptance
        Write(tx, &before, k);
        if (ResidualChanged(before, k) && k.treatment->residual)
            AddAssessment(tx, id, "residual", *k.treatment->residual, k.treatment->plan.substr(0, 200));
        return k;
    });
}

Risk RiskRegister::Accept(const Context& ctx, const std::string& id, const AcceptanceInput& in,
                          std::optional<int64_t> expected_version) {
    RequirePermission(ctx, Permission::kRiskAccept);
    if (in.comment.empty() || in.comment.size() > 4000)
        throw Error::InvalidInput("say why the residual risk is acceptable (a comment of 1 to 4000 characters)",
                                  {{"comment", "required"}});
    // Who accepts: the person of the signed-in account; the local operator and the system name the person.
    std::string person;
    auto actor_person = records_.PersonOfActor(ctx);
    if (actor_person) {
        if (in.person && *in.person != *actor_person)
            throw Error::Forbidden(fmt::format("you act as person {} and cannot accept on behalf of {}", *actor_person,
                                               *in.person));
        person = *actor_person;
    } else if (ctx.system || ctx.role == Role::kAdministrator) {
        if (!in.person)
            throw Error::InvalidInput("name the person who accepts (the risk owner)", {{"person", "required"}});
        person = *in.person;
    } else {
        throw Error::Forbidden(fmt::format("the account '{}' is not linked to a person record, so it cannot accept "
                                           "risks: only the risk owner can",
                                           ctx.actor));
    }
    auto found = records_.Find(ctx, "person", {person});
    if (found.empty()) throw Error::InvalidInput(fmt::format("there is no person '{}'", person), {{"person", "unknown"}});
    AcceptanceParty party{person, found.front().title, records_.IsTopManagement(ctx, person)};
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        Risk before = LoadOrThrow(tx, ctx.org_id, id);
        CheckVersion("risk " + id, before.row_version, expected_version);
        if (before.closed) throw Error::Conflict(fmt::format("{} is closed; there is nothing to accept", id));
        if (!before.treatment)
            throw Error::Conflict(fmt::format("{} has no treatment decision yet: decide one first (to accept the risk "
                                              "as it is: isms risk treat {} --option retain)",
                                              id, id));
        if (!before.treatment->residual)
            throw Error::Conflict(fmt::format("the treatment of {} has no residual score yet: estimate it first", id));
        const Score& residual = *before.treatment->residual;
        auto crit = RiskCriteriaService::Load(tx, ctx.org_id, residual.criteria_version);
        if (!crit) throw Error::Internal(fmt::format("risk criteria version {} is missing", residual.criteria_version));
        auto authority = CheckAcceptance(*crit, residual, id, before.owner, party);
        Risk k = before;
        Acceptance a;
        int64_t number = NextNumber(tx, "risk_acceptances", ctx.org_id);
        a.id = fmt::format("RA-{}", number);
        a.risk_id = id;
        a.person_id = person;
        a.recorded_by = ctx.actor;
        a.at = time::NowUtc();
        a.comment = in.comment;
        a.residual = residual;
        a.authority = std::string(AuthorityName(authority));
        a.current = true;
        tx.Exec("INSERT INTO risk_acceptances (org_id, id, number, risk_id, person_id, recorded_by, at, comment, "
                "criteria_version, likelihood, consequence, level, authority) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?)",
                {V(ctx.org_id), V(a.id), V(number), V(id), V(person), V(a.recorded_by), V(a.at), V(a.comment),
                 V(residual.criteria_version), V(residual.likelihood), V(residual.consequence), V(residual.level),
                 V(a.authority)});
        records_.Link(tx, "risk_acceptance", a.id, "person", "person", {person});
        tx.Log(ctx.org_id, "risk_acceptance", a.id, "create", nullptr, a.ToJson());
        k.acceptance = a;
        Write(tx, &before, k);
        return k;
    });
}

// Actions ---------------------------------------------------------------------------------------------------

namespace {
void ValidateAction(const TreatmentAction& a, const Risk& k, std::vector<ErrorDetail>& errs) {
    if (a.title.empty() || a.title.size() > 200) errs.push_back({"title", "required, 1 to 200 characters"});
    if (a.owner.empty()) errs.push_back({"owner", "every action needs an owner (a person record id)"});
    if (a.due_date.empty()) errs.push_back({"due_date", "every action needs a due date (YYYY-MM-DD)"});
    CheckDate(a.due_date, "due_date", errs);
    auto statuses = ActionStatusNames();
    if (std::find(statuses.begin(), statuses.end(), a.status) == statuses.end())
        errs.push_back({"status", fmt::format("'{}' is not an action status", a.status), statuses});
    if (a.notes.size() > 10000) errs.push_back({"notes", "at most 10000 characters"});
    if (!a.control.empty()) {
        const auto& c = k.treatment->controls;
        const auto& o = k.treatment->own_controls;
        if (std::find(c.begin(), c.end(), a.control) == c.end() && std::find(o.begin(), o.end(), a.control) == o.end()) {
            std::vector<std::string> allowed(c.begin(), c.end());
            allowed.insert(allowed.end(), o.begin(), o.end());
            errs.push_back({"control", fmt::format("'{}' is not among the controls chosen for {}", a.control, k.id),
                            allowed});
        }
    }
}

void ApplyAction(TreatmentAction& a, const ActionInput& in) {
    if (in.title) a.title = *in.title;
    if (in.owner) a.owner = *in.owner;
    if (in.due_date) a.due_date = *in.due_date;
    if (in.status) a.status = *in.status;
    if (in.control) a.control = *in.control;
    if (in.notes) a.notes = *in.notes;
}
}  // namespace

TreatmentAction RiskRegister::AddAction(const Context& ctx, const std::string& risk_id, const ActionInput& in) {
    RequirePermission(ctx, Permission::kRiskWrite);
    TreatmentAction a;
    a.status = "open";
    ApplyAction(a, in);
    std::vector<ErrorDetail> errs;
    if (!a.owner.empty() && records_.Find(ctx, "person", {a.owner}).empty())
        errs.push_back({"owner", fmt::format("there is no person '{}'", a.owner)});
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        Risk before = LoadOrThrow(tx, ctx.org_id, risk_id);
        if (!before.treatment)
            throw Error::Conflict(fmt::format("{} has no treatment yet: decide the treatment before planning actions",
                                              risk_id));
        ValidateAction(a, before, errs);
        if (!errs.empty()) ThrowAll("the action is not valid", std::move(errs));
        int64_t number = NextNumber(tx, "risk_actions", ctx.org_id);
        a.id = fmt::format("A-{}", number);
        a.risk_id = risk_id;
        a.created_at = a.updated_at = time::NowUtc();
        if (a.status == "done") a.completed_on = time::Today();
        a.row_version = 1;
        tx.Exec("INSERT INTO risk_actions (org_id, id, number, risk_id, title, owner_id, due_date, status, control_id, "
                "notes, completed_on, created_at, updated_at, row_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, 1)",
                {V(ctx.org_id), V(a.id), V(number), V(risk_id), V(a.title), V(a.owner), V(a.due_date), V(a.status),
                 V(a.control), V(a.notes), V(a.completed_on), V(a.created_at), V(a.updated_at)});
        records_.Link(tx, "risk_action", a.id, "owner", "person", {a.owner});
        tx.Log(ctx.org_id, "risk_action", a.id, "create", nullptr, a.ToJson());
        Risk k = before;
        k.actions.push_back(a);
        if (DeriveStatus(k) != before.status) Write(tx, &before, k);
        return a;
    });
}

TreatmentAction RiskRegister::UpdateAction(const Context& ctx, const std::string& action_id, const ActionInput& in,
                                           std::optional<int64_t> expected_version) {
    RequirePermission(ctx, Permission::kRiskWrite);
    std::vector<ErrorDetail> errs;
    if (in.owner && records_.Find(ctx, "person", {*in.owner}).empty())
        errs.push_back({"owner", fmt::format("there is no person '{}'", *in.owner)});
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        auto row = tx.QueryOne(fmt::format("SELECT {} FROM risk_actions WHERE org_id = ? AND id = ?", kActionColumns),
                               {V(ctx.org_id), V(action_id)});
        if (!row) throw Error::NotFound(fmt::format("no treatment action '{}'", action_id));
        TreatmentAction before = ActionFromRow(*row);
        CheckVersion("action " + action_id, before.row_version, expected_version);
        Risk risk = LoadOrThrow(tx, ctx.org_id, before.risk_id);
        TreatmentAction a = before;
        ApplyAction(a, in);
        ValidateAction(a, risk, errs);
        if (!errs.empty()) ThrowAll("the action is not valid", std::move(errs));
        if (a.status == "done" && before.status != "done") a.completed_on = time::Today();
        if (a.status != "done") a.completed_on.clear();
        a.updated_at = time::NowUtc();
        a.row_version = before.row_version + 1;
        tx.Exec("UPDATE risk_actions SET title = ?, owner_id = ?, due_date = ?, status = ?, control_id = ?, notes = ?, "
                "completed_on = ?, updated_at = ?, row_version = ? WHERE org_id = ? AND id = ?",
                {V(a.title), V(a.owner), V(a.due_date), V(a.status), V(a.control), V(a.notes), V(a.completed_on),
                 V(a.updated_at), V(a.row_version), V(ctx.org_id), V(action_id)});
        if (a.owner != before.owner) records_.Link(tx, "risk_action", a.id, "owner", "person", {a.owner});
        tx.Log(ctx.org_id, "risk_action", a.id, "update", before.ToJson(), a.ToJson());
        Risk k = risk;
        for (auto& x : k.actions)
            if (x.id == a.id) x = a;
        if (DeriveStatus(k) != risk.status) Write(tx, &risk, k);
        return a;
    });
}

TreatmentAction RiskRegister::GetAction(const Context& ctx, const std::string& action_id) {
    RequirePermission(ctx, Permission::kRead);
    auto a = store_.Read([&](store::Db& db) -> std::optional<TreatmentAction> {
        auto row = db.QueryOne(fmt::format("SELECT {} FROM risk_actions WHERE org_id = ? AND id = ?", kActionColumns),
                               {V(ctx.org_id), V(action_id)});
        if (!row) return std::nullopt;
        return ActionFromRow(*row);
    });
    if (!a) throw Error::NotFound(fmt::format("no treatment action '{}'", action_id));
    return *a;
}

std::vector<TreatmentAction> RiskRegister::Actions(const Context& ctx) {
    RequirePermission(ctx, Permission::kRead);
    auto out = store_.Read([&](store::Db& db) {
        std::vector<TreatmentAction> v;
        for (const auto& r : db.Query(fmt::format("SELECT {} FROM risk_actions WHERE org_id = ? ORDER BY number",
                                                  kActionColumns),
                                      {V(ctx.org_id)}))
            v.push_back(ActionFromRow(r));
        return v;
    });
    std::stable_sort(out.begin(), out.end(),
                     [](const TreatmentAction& a, const TreatmentAction& b) { return a.due_date < b.due_date; });
    return out;
}

// Own controls ----------------------------------------------------------------------------------------------

OwnControl RiskRegister::AddOwnControl(const Context& ctx, const std::string& title, const std::string& description) {
    RequirePermission(ctx, Permission::kRiskWrite);
    if (title.empty() || title.size() > 200)
        throw Error::InvalidInput("a control needs a title of 1 to 200 characters", {{"title", "required"}});
    if (description.size() > 20000) throw Error::InvalidInput("the description is too long", {{"description", "at most 20000 characters"}});
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        int64_t number = NextNumber(tx, "own_controls", ctx.org_id);
        OwnControl c{fmt::format("OC-{}", number), title, description, 1};
        tx.Exec("INSERT INTO own_controls (org_id, id, number, title, description, updated_at, row_version) VALUES (?, "
                "?, ?, ?, ?, ?, 1)",
                {V(ctx.org_id), V(c.id), V(number), V(title), V(description), V(time::NowUtc())});
        tx.Log(ctx.org_id, "own_control", c.id, "create", nullptr, c.ToJson());
        return c;
    });
}

OwnControl RiskRegister::EditOwnControl(const Context& ctx, const std::string& id,
                                        const std::optional<std::string>& title,
                                        const std::optional<std::string>& description,
                                        std::optional<int64_t> expected_version) {
    RequirePermission(ctx, Permission::kRiskWrite);
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        auto row = tx.QueryOne("SELECT id, title, description, row_version FROM own_controls WHERE org_id = ? AND id = ?",
                               {V(ctx.org_id), V(id)});
        if (!row) throw Error::NotFound(fmt::format("no own control '{}'", id));
        OwnControl before{row->Str(0), row->Str(1), row->Str(2), row->Int(3)};
        CheckVersion("control " + id, before.row_version, expected_version);
        OwnControl c = before;
        if (title) c.title = *title;
        if (description) c.description = *description;
        if (c.title.empty() || c.title.size() > 200)
            throw Error::InvalidInput("a control needs a title of 1 to 200 characters", {{"title", "required"}});
        c.row_version++;
        tx.Exec("UPDATE own_controls SET title = ?, description = ?, updated_at = ?, row_version = ? WHERE org_id = ? "
                "AND id = ?",
                {V(c.title), V(c.description), V(time::NowUtc()), V(c.row_version), V(ctx.org_id), V(id)});
        tx.Log(ctx.org_id, "own_control", id, "update", before.ToJson(), c.ToJson());
        return c;
    });
}

std::vector<OwnControl> RiskRegister::OwnControls(const Context& ctx) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) {
        std::vector<OwnControl> out;
        for (const auto& r : db.Query("SELECT id, title, description, row_version FROM own_controls WHERE org_id = ? "
                                      "ORDER BY number",
                                      {V(ctx.org_id)}))
            out.push_back({r.Str(0), r.Str(1), r.Str(2), r.Int(3)});
        return out;
    });
}

// For the SoA -----------------------------------------------------------------------------------------------

ControlUsage RiskRegister::AnnexAUsage(store::Db& db, const std::string& org_id) {
    ControlUsage out;
    for (const auto& r : db.Query("SELECT l.target, l.risk_id FROM risk_links l JOIN risks k ON k.org_id = l.org_id "
                                  "AND k.id = l.risk_id WHERE l.org_id = ? AND l.kind = 'control' AND k.closed = 0 "
                                  "ORDER BY k.number",
                                  {V(org_id)}))
        out[r.Str(0)].push_back(r.Str(1));
    return out;
}

ControlUsage RiskRegister::AnnexAUsage(const Context& ctx) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) { return AnnexAUsage(db, ctx.org_id); });
}

std::vector<records::DueItem> DueAcrossTheIsms(const Context& ctx, records::RecordService& records,
                                               RiskRegister& risks, int within_days, std::string today) {
    const records::DueWindow window = records::MakeDueWindow(within_days, std::move(today));
    std::vector<records::DueItem> out = records.Due(ctx, within_days, time::FormatDate(window.today));
    auto more = risks.ReviewsDue(ctx, window);
    out.insert(out.end(), more.begin(), more.end());
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.next_review < b.next_review; });
    return out;
}

}  // namespace isms::risk
