#include "isms/risk/criteria_service.hpp"

#include <fmt/format.h>

#include "isms/core/error.hpp"
#include "isms/core/time.hpp"

namespace isms::risk {

using store::V;

namespace {
constexpr const char* kSelect =
    "SELECT version, definition_json, created_at, created_by FROM risk_criteria WHERE org_id = ?";

RiskCriteria FromRow(const store::Row& r) {
    RiskCriteria c = RiskCriteria::FromJson(r.JsonAt(1));
    c.version = static_cast<int>(r.Int(0));
    c.created_at = r.Str(2);
    c.created_by = r.Str(3);
    return c;
}

void Insert(store::WriteTx& tx, const std::string& org_id, RiskCriteria& c) {
    c.created_at = time::NowUtc();
    c.created_by = tx.ctx().actor;
    Json def = c.ToJson();
    def.erase("version");
    def.erase("created_at");
    def.erase("created_by");
    tx.Exec("INSERT INTO risk_criteria (org_id, version, definition_json, note, created_at, created_by) VALUES (?, ?, "
            "?, ?, ?, ?)",
            {V(org_id), V(c.version), V(def.dump()), V(c.note), V(c.created_at), V(c.created_by)});
    tx.Log(org_id, "risk_criteria", std::to_string(c.version), "create", nullptr, c.ToJson());
}
}  // namespace

std::optional<RiskCriteria> RiskCriteriaService::LoadCurrent(store::Db& db, const std::string& org_id) {
    auto r = db.QueryOne(std::string(kSelect) + " ORDER BY version DESC LIMIT 1", {V(org_id)});
    if (!r) return std::nullopt;
    return FromRow(*r);
}

std::optional<RiskCriteria> RiskCriteriaService::Load(store::Db& db, const std::string& org_id, int version) {
    auto r = db.QueryOne(std::string(kSelect) + " AND version = ?", {V(org_id), V(version)});
    if (!r) return std::nullopt;
    return FromRow(*r);
}

std::map<int, RiskCriteria> RiskCriteriaService::LoadAll(store::Db& db, const std::string& org_id) {
    std::map<int, RiskCriteria> out;
    for (const auto& r : db.Query(std::string(kSelect) + " ORDER BY version", {V(org_id)})) {
        auto c = FromRow(r);
        out.emplace(c.version, std::move(c));
    }
    return out;
}

RiskCriteria RiskCriteriaService::EnsureCurrent(store::WriteTx& tx, const std::string& org_id) {
    if (auto c = LoadCurrent(tx, org_id)) return *c;
    RiskCriteria c = RiskCriteria::Default(5);
    c.version = 1;
    Insert(tx, org_id, c);
    return c;
}

RiskCriteria RiskCriteriaService::Current(const Context& ctx) {
    RequirePermission(ctx, Permission::kRead);
    auto c = store_.Read([&](store::Db& db) { return LoadCurrent(db, ctx.org_id); });
    if (c) return *c;
    RiskCriteria d = RiskCriteria::Default(5);
    d.version = 1;
    return d;
}

RiskCriteria RiskCriteriaService::Version(const Context& ctx, int version) {
    RequirePermission(ctx, Permission::kRead);
    auto c = store_.Read([&](store::Db& db) { return Load(db, ctx.org_id, version); });
    if (!c) throw Error::NotFound(fmt::format("no risk criteria version {}", version));
    return *c;
}

std::vector<RiskCriteria> RiskCriteriaService::History(const Context& ctx) {
    RequirePermission(ctx, Permission::kRead);
    std::vector<RiskCriteria> out;
    for (auto& [v, c] : store_.Read([&](store::Db& db) { return LoadAll(db, ctx.org_id); })) out.push_back(c);
    return out;
}

RiskCriteria RiskCriteriaService::Set(const Context& ctx, RiskCriteria c, std::optional<int> expected_version) {
    RequirePermission(ctx, Permission::kSoaApprove);
    c.Validate();
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        auto current = LoadCurrent(tx, ctx.org_id);
        int have = current ? current->version : 0;
        // The unsaved default counts as version 1: someone who edited what Current() showed passes 1.
        int shown = current ? have : 1;
        if (expected_version && *expected_version != shown)
            throw Error(ErrorCode::kPreconditionFailed,
                        fmt::format("the risk criteria changed meanwhile: version {} is current, not {}; reload and "
                                    "edit again",
                                    shown, *expected_version));
        // Before anything was scored on the default, the organisation's own criteria become version 1.
        c.version = have + 1;
        Insert(tx, ctx.org_id, c);
        return c;
    });
}

}  // namespace isms::risk
