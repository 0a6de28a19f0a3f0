#include "isms/soa/statement.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "isms/core/crypto.hpp"
#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/risk/json_input.hpp"

namespace isms::soa {

using store::V;

DecisionInput DecisionInput::FromJson(const Json& j) {
    risk::JsonInput in(j, {"applicability", "inclusion_reason", "exclusion_reason", "status", "notes", "owner",
                           "evidence"});
    DecisionInput d;
    d.applicability = in.OptString("applicability");
    d.inclusion_reason = in.OptString("inclusion_reason");
    d.exclusion_reason = in.OptString("exclusion_reason");
    d.status = in.OptString("status");
    d.notes = in.OptString("notes");
    d.owner = in.OptString("owner");
    d.evidence = in.OptStrings("evidence");
    in.Finish();
    return d;
}

Json Version::ToJson(bool with_entries) const {
    Json j = {{"version", version},
              {"approved_at", approved_at},
              {"approved_by", approved_by},
              {"criteria_version", criteria_version},
              {"comment", comment},
              {"override_reason", override_reason},
              {"open_items", open_items},
              {"hash", hash}};
    if (with_entries) {
        Json e = Json::array(), c = Json::array();
        for (const auto& x : entries) e.push_back(x.ToJson());
        for (const auto& x : check) c.push_back(x.ToJson());
        j["entries"] = e;
        j["check"] = c;
    }
    return j;
}

Json Summary::ToJson() const {
    return {{"controls", controls}, {"applicable", applicable}, {"not_applicable", not_applicable},
            {"undecided", undecided}, {"by_status", by_status}, {"open_items", open_items}};
}

namespace {

constexpr const char* kDecisionColumns =
    "control_id, applicable, inclusion_reason, exclusion_reason, status, notes, evidence_json, owner_id, updated_at, "
    "updated_by, row_version";

Decision DecisionFromRow(const store::Row& r) {
    Decision d;
    d.control_id = r.Str(0);
    d.applicability = r.IsNull(1) ? "undecided" : r.Int(1) ? "applicable" : "not_applicable";
    d.inclusion_reason = r.Str(2);
    d.exclusion_reason = r.Str(3);
    d.status = r.Str(4);
    d.notes = r.Str(5);
    d.evidence = r.JsonAt(6).get<std::vector<std::string>>();
    d.owner = r.Str(7);
    d.updated_at = r.Str(8);
    d.updated_by = r.Str(9);
    d.row_version = r.Int(10);
    return d;
}

Json DecisionJson(const Decision& d) {
    return {{"control", d.control_id},     {"applicability", d.applicability}, {"inclusion_reason", d.inclusion_reason},
            {"exclusion_reason", d.exclusion_reason}, {"status", d.status}, {"notes", d.notes},
            {"evidence", d.evidence},      {"owner", d.owner},                 {"version", d.row_version}};
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

Json SnapshotJson(const std::vector<Entry>& entries, const std::vector<CheckItem>& check) {
    Json e = Json::array(), c = Json::array();
    for (const auto& x : entries) e.push_back(x.ToJson());
    for (const auto& x : check) c.push_back(x.ToJson());
    return {{"entries", e}, {"check", c}};
}

}  // namespace

Inputs StatementOfApplicability::Gather(const Context& ctx, store::Db& db) {
    Inputs in;
    in.controls = risk::AnnexAControls(catalog_, ctx);
    for (const auto& r : db.Query(fmt::format("SELECT {} FROM soa_decisions WHERE org_id = ?", kDecisionColumns),
                                  {V(ctx.org_id)})) {
        auto d = DecisionFromRow(r);
        in.decisions.emplace(d.control_id, std::move(d));
    }
    in.usage = risk::RiskRegister::AnnexAUsage(db, ctx.org_id);
    in.requirements = records_.ControlRequirements(ctx);
    return in;
}

std::map<std::string, std::string> StatementOfApplicability::ControlOwners(store::Db& db, const std::string& org_id) {
    std::map<std::string, std::string> out;
    for (const auto& r : db.Query("SELECT control_id, owner_id FROM soa_decisions WHERE org_id = ? AND owner_id <> '' AND "
                                  "(applicable IS NULL OR applicable <> 0)",
                                  {V(org_id)}))
        out[r.Str(0)] = r.Str(1);
    return out;
}

std::vector<Entry> StatementOfApplicability::DeriveIn(const Context& ctx, store::Db& db) {
    return Derive(Gather(ctx, db));
}

std::vector<Entry> StatementOfApplicability::Current(const Context& ctx) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) { return DeriveIn(ctx, db); });
}

Entry StatementOfApplicability::Get(const Context& ctx, const std::string& control_id) {
    for (auto& e : Current(ctx))
        if (e.control_id == control_id) return e;
    throw Error::NotFound(fmt::format("'{}' is not an Annex A control (5.1 to 8.34)", control_id));
}

std::vector<CheckItem> StatementOfApplicability::Check(const Context& ctx) { return soa::Check(Current(ctx)); }

catalog::query::Vocabulary StatementOfApplicability::SelectVocabulary(const Context& ctx) {
    auto snapshot = catalog_.Snapshot(ctx, catalog::kIso27002);
    std::vector<catalog::query::FieldSpec> fields = snapshot->vocabulary.fields();
    fields.push_back({"applicability", "whether the control applies", ApplicabilityNames(), false, false});
    fields.push_back({"status", "implementation status", StatusNames(), false, false});
    fields.push_back({"decided_by", "decision (made by people) or derived (from risks and requirements)",
                      {"decision", "derived"}, false, false});
    fields.push_back({"owner", "person record id of the control's owner", {}, true, false});
    fields.push_back({"risks", "ids of the open risks whose treatment chose the control", {}, true, true});
    fields.push_back({"requirements", "ids of the requirement records naming the control", {}, true, true});
    fields.push_back({"justified", "a risk, requirement or business need justifies inclusion", {"true", "false"},
                      false, false});
    fields.push_back({"evidence", "evidence links", {}, true, true});
    return catalog::query::Vocabulary(std::move(fields));
}

std::vector<Entry> StatementOfApplicability::Select(const Context& ctx, const std::string& where,
                                                    const std::string& sort) {
    auto entries = Current(ctx);
    auto snapshot = catalog_.Snapshot(ctx, catalog::kIso27002);
    auto vocabulary = SelectVocabulary(ctx);
    std::vector<catalog::query::Item> items;
    items.reserve(entries.size());
    for (const auto& e : entries) {
        const auto* c = snapshot->Find(e.control_id);
        catalog::query::Item item = c ? c->fields : catalog::query::Item{};
        item["applicability"] = {e.applicability};
        item["status"] = e.status.empty() ? catalog::query::Values{} : catalog::query::Values{e.status};
        item["decided_by"] = e.decided_by.empty() ? catalog::query::Values{} : catalog::query::Values{e.decided_by};
        item["owner"] = e.owner.empty() ? catalog::query::Values{} : catalog::query::Values{e.owner};
        item["risks"] = e.risks;
        catalog::query::Values reqs;
        for (const auto& r : e.requirements) reqs.push_back(r.id);
        item["requirements"] = reqs;
        item["justified"] = {e.Justified() ? "true" : "false"};
        item["evidence"] = e.evidence;
        items.push_back(std::move(item));
    }
    std::vector<const catalog::query::Item*> ptrs;
    for (const auto& i : items) ptrs.push_back(&i);
    auto selection = catalog::Select(ptrs, {where, sort, "", ""}, vocabulary);
    std::vector<Entry> out;
    out.reserve(selection.items.size());
    for (size_t i : selection.items) out.push_back(entries[i]);
    return out;
}

Summary StatementOfApplicability::Summarise(const Context& ctx) {
    auto entries = Current(ctx);
    Summary s;
    s.controls = static_cast<int>(entries.size());
    for (const auto& st : StatusNames()) s.by_status[st] = 0;
    for (const auto& e : entries) {
        if (e.applicability == "applicable") ++s.applicable;
        if (e.applicability == "not_applicable") ++s.not_applicable;
        if (e.applicability == "undecided") ++s.undecided;
        if (!e.status.empty()) ++s.by_status[e.status];
    }
    s.open_items = static_cast<int>(soa::Check(entries).size());
    return s;
}

Entry StatementOfApplicability::Decide(const Context& ctx, const std::string& control_id, const DecisionInput& in,
                                       std::optional<int64_t> expected_version) {
    RequirePermission(ctx, Permission::kSoaWrite);
    auto controls = risk::AnnexAControls(catalog_, ctx);
    if (std::none_of(controls.begin(), controls.end(), [&](const auto& c) { return c.id == control_id; }))
        throw Error::NotFound(fmt::format("'{}' is not an Annex A control (5.1 to 8.34)", control_id));
    std::vector<ErrorDetail> errs;
    if (in.owner && !in.owner->empty() && records_.Find(ctx, "person", {*in.owner}).empty())
        errs.push_back({"owner", fmt::format("there is no person '{}'", *in.owner)});
    store_.Write(ctx, [&](store::WriteTx& tx) {
        auto row = tx.QueryOne(fmt::format("SELECT {} FROM soa_decisions WHERE org_id = ? AND control_id = ?",
                                           kDecisionColumns),
                               {V(ctx.org_id), V(control_id)});
        Decision before;
        before.control_id = control_id;
        if (row) before = DecisionFromRow(*row);
        if (expected_version && *expected_version != before.row_version)
            throw Error(ErrorCode::kPreconditionFailed,
                        fmt::format("the SoA entry of {} was changed by someone else (version {} is current, not {}): "
                                    "reload and try again",
                                    control_id, before.row_version, *expected_version));
        Decision d = before;
        if (in.applicability) d.applicability = *in.applicability;
        if (in.inclusion_reason) d.inclusion_reason = *in.inclusion_reason;
        if (in.exclusion_reason) d.exclusion_reason = *in.exclusion_reason;
        if (in.status) d.status = *in.status;
        if (in.notes) d.notes = *in.notes;
        if (in.owner) d.owner = *in.owner;
        if (in.evidence) d.evidence = *in.evidence;
        if (!Contains(ApplicabilityNames(), d.applicability))
            errs.push_back({"applicability", fmt::format("'{}' is not an applicability", d.applicability),
                            ApplicabilityNames()});
        // 6.1.3 d): an excluded control carries the justification for its exclusion.
        if (d.applicability == "not_applicable") {
            if (d.exclusion_reason.empty())
                errs.push_back({"exclusion_reason", fmt::format("say why {} does not apply: an excluded control needs "
                                                                "a justification (27001 6.1.3 d)",
                                                                control_id)});
            if (in.status && !d.status.empty() && d.status != "not_applicable")
                errs.push_back({"status", "an excluded control has no implementation status other than "
                                          "not_applicable"});
            d.status.clear();
        } else if (!d.status.empty()) {
            if (!Contains(StatusNames(), d.status))
                errs.push_back({"status", fmt::format("'{}' is not an implementation status", d.status),
                                StatusNames()});
            else if (d.status == "not_applicable")
                errs.push_back({"status", "only an excluded control is not_applicable: set applicability to "
                                          "not_applicable (with a reason) instead"});
        }
        if (d.applicability != "not_applicable" && in.applicability) d.exclusion_reason.clear();
        for (const auto& [text, field] : {std::pair{&d.inclusion_reason, "inclusion_reason"},
                                          std::pair{&d.exclusion_reason, "exclusion_reason"},
                                          std::pair{&d.notes, "notes"}})
            if (text->size() > 20000) errs.push_back({field, "at most 20000 characters"});
        if (d.evidence.size() > 100) errs.push_back({"evidence", "at most 100 evidence links"});
        for (const auto& e : d.evidence)
            if (e.empty() || e.size() > 2000 || e.find_first_of("\r\n") != std::string::npos)
                errs.push_back({"evidence", "each evidence link is one line of 1 to 2000 characters (a URL or a "
                                            "record id)"});
        if (!errs.empty()) {
            std::string msg = fmt::format("the SoA entry of {} is not valid: {} {}", control_id, errs[0].field,
                                          errs[0].message);
            throw Error::InvalidInput(msg, std::move(errs));
        }
        d.updated_at = time::NowUtc();
        d.updated_by = ctx.actor;
        d.row_version = before.row_version + 1;
        store::Value applicable = d.applicability == "undecided" ? store::Null() : V(d.applicability == "applicable");
        store::Params p = {applicable, V(d.inclusion_reason), V(d.exclusion_reason),
                           d.status.empty() ? store::Null() : V(d.status), V(d.notes), V(Json(d.evidence).dump()),
                           V(d.owner), V(d.updated_at), V(d.updated_by), V(d.row_version), V(ctx.org_id),
                           V(control_id)};
        if (row) {
            tx.Exec("UPDATE soa_decisions SET applicable = ?, inclusion_reason = ?, exclusion_reason = ?, status = ?, "
                    "notes = ?, evidence_json = ?, owner_id = ?, updated_at = ?, updated_by = ?, row_version = ? "
                    "WHERE org_id = ? AND control_id = ?",
                    p);
        } else {
            tx.Exec("INSERT INTO soa_decisions (applicable, inclusion_reason, exclusion_reason, status, notes, "
                    "evidence_json, owner_id, updated_at, updated_by, row_version, org_id, control_id) VALUES (?, ?, "
                    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    p);
        }
        if (d.owner != before.owner)
            records_.Link(tx, "soa_decision", control_id, "owner", "person",
                          d.owner.empty() ? std::vector<std::string>{} : std::vector<std::string>{d.owner});
        tx.Log(ctx.org_id, "soa_decision", control_id, row ? "update" : "create", row ? DecisionJson(before) : Json(),
               DecisionJson(d));
    });
    return Get(ctx, control_id);
}

Version StatementOfApplicability::Approve(const Context& ctx, const ApproveInput& in) {
    RequirePermission(ctx, Permission::kSoaApprove);
    if (in.comment.size() > 4000) throw Error::InvalidInput("the comment is too long", {{"comment", "at most 4000"}});
    if (in.override_reason.size() > 4000)
        throw Error::InvalidInput("the override reason is too long", {{"override_reason", "at most 4000"}});
    // Derived outside the write (other modules' reads), checked again inside against what is stored.
    auto entries = Current(ctx);
    auto check = soa::Check(entries);
    if (!check.empty() && in.override_reason.empty()) {
        std::vector<ErrorDetail> d;
        for (const auto& c : check) d.push_back({c.control_id, c.message});
        throw Error::Conflict(fmt::format("`soa check` has {} open item{} (first: {}); resolve them, or approve with an "
                                          "override reason that will be recorded",
                                          check.size(), check.size() == 1 ? "" : "s", check.front().message),
                              std::move(d));
    }
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        auto criteria = risk::RiskCriteriaService::EnsureCurrent(tx, ctx.org_id);
        auto last = tx.QueryOne("SELECT MAX(version) FROM soa_versions WHERE org_id = ?", {V(ctx.org_id)});
        Version v;
        v.version = static_cast<int>((last && !last->IsNull(0) ? last->Int(0) : 0) + 1);
        v.approved_at = time::NowUtc();
        v.approved_by = ctx.actor;
        v.criteria_version = criteria.version;
        v.comment = in.comment;
        v.override_reason = check.empty() ? "" : in.override_reason;
        v.open_items = static_cast<int>(check.size());
        v.entries = std::move(entries);
        v.check = std::move(check);
        std::string snapshot = SnapshotJson(v.entries, v.check).dump();
        v.hash = crypto::Sha256Hex(snapshot);
        tx.Exec("INSERT INTO soa_versions (org_id, version, approved_at, approved_by, criteria_version, comment, "
                "override_reason, open_items, snapshot_json, snapshot_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {V(ctx.org_id), V(v.version), V(v.approved_at), V(v.approved_by), V(v.criteria_version), V(v.comment),
                 V(v.override_reason), V(v.open_items), V(snapshot), V(v.hash)});
        tx.Log(ctx.org_id, "soa_version", std::to_string(v.version), "approve", nullptr, v.ToJson(false));
        return v;
    });
}

std::vector<Version> StatementOfApplicability::Versions(const Context& ctx) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) {
        std::vector<Version> out;
        for (const auto& r : db.Query("SELECT version, approved_at, approved_by, criteria_version, comment, "
                                      "override_reason, open_items, snapshot_hash FROM soa_versions WHERE org_id = ? "
                                      "ORDER BY version",
                                      {V(ctx.org_id)})) {
            Version v;
            v.version = static_cast<int>(r.Int(0));
            v.approved_at = r.Str(1);
            v.approved_by = r.Str(2);
            v.criteria_version = static_cast<int>(r.Int(3));
            v.comment = r.Str(4);
            v.override_reason = r.Str(5);
            v.open_items = static_cast<int>(r.Int(6));
            v.hash = r.Str(7);
            out.push_back(std::move(v));
        }
        return out;
    });
}

Version StatementOfApplicability::GetVersion(const Context& ctx, int version) {
    RequirePermission(ctx, Permission::kRead);
    auto row = store_.Read([&](store::Db& db) {
        return db.QueryOne("SELECT version, approved_at, approved_by, criteria_version, comment, override_reason, "
                           "open_items, snapshot_hash, snapshot_json FROM soa_versions WHERE org_id = ? AND version = ?",
                           {V(ctx.org_id), V(version)});
    });
    if (!row) throw Error::NotFound(fmt::format("no approved SoA version {}", version));
    Version v;
    v.version = static_cast<int>(row->Int(0));
    v.approved_at = row->Str(1);
    v.approved_by = row->Str(2);
    v.criteria_version = static_cast<int>(row->Int(3));
    v.comment = row->Str(4);
    v.override_reason = row->Str(5);
    v.open_items = static_cast<int>(row->Int(6));
    v.hash = row->Str(7);
    std::string snapshot = row->Str(8);
    // An approved version is evidence: refuse to show one that was altered behind the program's back.
    if (crypto::Sha256Hex(snapshot) != v.hash)
        throw Error::Internal(fmt::format("approved SoA version {} does not match its recorded hash: the stored "
                                          "snapshot was altered outside isms",
                                          version));
    Json j = Json::parse(snapshot);
    for (const auto& e : j["entries"]) v.entries.push_back(Entry::FromJson(e));
    for (const auto& c : j["check"])
        v.check.push_back({c.value("kind", ""), c.value("control", ""), c.value("title", ""), c.value("message", ""),
                           c.value("refs", std::vector<std::string>{})});
    return v;
}

std::vector<Change> StatementOfApplicability::Diff(const Context& ctx, int from, int to) {
    auto entries = [&](int v) { return v == 0 ? Current(ctx) : GetVersion(ctx, v).entries; };
    return soa::Diff(entries(from), entries(to));
}

store::LoggedTable DecisionsLoggedTable() {
    store::LoggedTable t;
    t.entity = "soa_decision";
    t.current = [](store::Db& db) {
        std::map<std::pair<std::string, std::string>, Json> out;
        db.QueryEach(fmt::format("SELECT {}, org_id FROM soa_decisions", kDecisionColumns), {},
                     [&](const store::Row& r) { out[{r.Str(11), r.Str(0)}] = DecisionJson(DecisionFromRow(r)); });
        return out;
    };
    return t;
}

}  // namespace isms::soa
