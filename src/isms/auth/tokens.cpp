#include "isms/auth/tokens.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "isms/core/crypto.hpp"
#include "isms/core/error.hpp"

namespace isms::auth {

using store::Null;
using store::V;

namespace {

constexpr const char* kColumns = "id, org_id, name, prefix, role, user_id, created_by, created_at, expires_at, "
                                 "last_used_at, revoked_at";

ApiToken FromRow(const store::Row& r, time::Clock::time_point now) {
    ApiToken t;
    t.id = r.Str(0);
    t.org_id = r.Str(1);
    t.name = r.Str(2);
    t.prefix = r.Str(3);
    t.role = ParseRole(r.Str(4)).value_or(Role::kViewer);
    t.user_id = r.Str(5);
    t.created_by = r.Str(6);
    t.created_at = r.Str(7);
    t.expires_at = r.Str(8);
    t.last_used_at = r.Str(9);
    t.revoked_at = r.Str(10);
    bool expired = false;
    if (!t.expires_at.empty()) {
        auto e = time::ParseUtc(t.expires_at);
        expired = !e || now >= *e;
    }
    t.active = t.revoked_at.empty() && !expired && ParseRole(r.Str(4)).has_value();
    return t;
}

Json TokenJson(const ApiToken& t) {
    return {{"name", t.name}, {"prefix", t.prefix}, {"role", RoleName(t.role)}, {"expires_at", t.expires_at}};
}

void CheckName(const std::string& name) {
    bool ok = !name.empty() && name.size() <= 64;
    for (unsigned char c : name) ok = ok && (std::isalnum(c) || c == '.' || c == '_' || c == '-');
    if (!ok)
        throw Error::InvalidInput("a token name has 1 to 64 characters: letters, digits, '.', '_', '-'",
                                  {{"name", "invalid"}});
}

}  // namespace

bool TokenService::LooksLikeToken(const std::string& s) {
    return s.size() == 69 && s.rfind("isms_", 0) == 0 &&
           std::all_of(s.begin() + 5, s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

CreatedToken TokenService::Create(const Context& ctx, const NewToken& nt) {
    RequirePermission(ctx, Permission::kTokensAdmin);
    if (ctx.org_id.empty()) throw Error::InvalidInput("name the organisation the token is for", {{"org", "required"}});
    if (!ctx.system && ctx.role && !RoleCovers(*ctx.role, nt.role))
        throw Error::Forbidden(fmt::format("the role '{}' cannot create a token with the role '{}'",
                                           RoleName(*ctx.role), RoleName(nt.role)));
    CheckName(nt.name);
    auto now = now_();
    CreatedToken out;
    out.secret = "isms_" + crypto::RandomHex(32);
    ApiToken& t = out.token;
    t.id = crypto::NewId();
    t.org_id = ctx.org_id;
    t.name = nt.name;
    t.prefix = out.secret.substr(0, 13);
    t.role = nt.role;
    t.user_id = ctx.user_id;
    t.created_by = ctx.actor;
    t.created_at = time::FormatUtc(now);
    if (nt.lifetime) t.expires_at = time::FormatUtc(now + *nt.lifetime);
    t.active = true;
    store_.Write(ctx, [&](store::WriteTx& tx) {
        for (const auto& r : tx.Query(fmt::format("SELECT {} FROM api_tokens WHERE org_id = ? AND name = ?", kColumns),
                                      {V(t.org_id), V(t.name)}))
            if (FromRow(r, now).active)
                throw Error::Conflict(fmt::format("an active token named '{}' exists; revoke it or choose another name",
                                                  t.name),
                                      {{"name", "taken"}});
        tx.Exec("INSERT INTO api_tokens (id, org_id, name, token_hash, prefix, role, user_id, created_by, created_at, "
                "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {V(t.id), V(t.org_id), V(t.name), V(crypto::Sha256Hex(out.secret)), V(t.prefix),
                 V(std::string(RoleName(t.role))), t.user_id.empty() ? Null() : V(t.user_id), V(t.created_by),
                 V(t.created_at), t.expires_at.empty() ? Null() : V(t.expires_at)});
        tx.Log(t.org_id, "api_token", t.id, "create", nullptr, TokenJson(t));
    });
    return out;
}

std::vector<ApiToken> TokenService::List(const Context& ctx) {
    RequirePermission(ctx, Permission::kTokensAdmin);
    auto now = now_();
    return store_.Read([&](store::Db& db) {
        std::vector<ApiToken> out;
        for (const auto& r : db.Query(fmt::format("SELECT {} FROM api_tokens WHERE org_id = ? ORDER BY created_at "
                                                  "DESC, name",
                                                  kColumns),
                                      {V(ctx.org_id)}))
            out.push_back(FromRow(r, now));
        return out;
    });
}

ApiToken TokenService::Revoke(const Context& ctx, const std::string& key) {
    RequirePermission(ctx, Permission::kTokensAdmin);
    auto now = now_();
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        std::optional<ApiToken> found;
        for (const auto& r : tx.Query(fmt::format("SELECT {} FROM api_tokens WHERE org_id = ? AND (id = ? OR name = ?) "
                                                  "ORDER BY created_at DESC",
                                                  kColumns),
                                      {V(ctx.org_id), V(key), V(key)})) {
            ApiToken t = FromRow(r, now);
            if (t.id == key || (!found && t.active)) found = t;
            if (t.id == key) break;
        }
        if (!found) throw Error::NotFound(fmt::format("no token '{}'", key));
        if (found->revoked_at.empty()) {
            found->revoked_at = time::FormatUtc(now);
            found->active = false;
            tx.Exec("UPDATE api_tokens SET revoked_at = ? WHERE id = ?", {V(found->revoked_at), V(found->id)});
            tx.Log(found->org_id, "api_token", found->id, "revoke", TokenJson(*found), nullptr);
        }
        return *found;
    });
}

std::optional<Context> TokenService::Authenticate(const std::string& secret, const std::string& org_key) {
    if (!LooksLikeToken(secret)) return std::nullopt;
    auto now = now_();
    const std::string hash = crypto::Sha256Hex(secret);
    // The token, its organisation's slug, and its creator's account state and role in that organisation (a
    // token never outlives its creator's rights), as of the store's current change-log head: from the cache
    // when it was filled under that head (principal_cache.hpp), otherwise in one query, in the same snapshot
    // as the head it is cached under. A revocation, a disabled account or a lowered role moves the head, so it
    // takes effect at once on every server sharing the database.
    std::optional<Principal> found = cache_.Find(hash, store_.ChangeLogHead());
    if (!found) {
        store::LogHead head;
        store_.Read([&](store::Db& db) {
            head = store::ReadLogHead(db);
            auto r = db.QueryOne(
                "SELECT t.id, t.org_id, t.name, t.prefix, t.role, t.user_id, t.created_by, t.created_at, "
                "t.expires_at, t.last_used_at, t.revoked_at, o.slug, u.id, u.disabled, m.role FROM api_tokens t "
                "JOIN organisations o ON o.id = t.org_id "
                "LEFT JOIN users u ON u.id = t.user_id "
                "LEFT JOIN memberships m ON m.user_id = t.user_id AND m.org_id = t.org_id "
                "WHERE t.token_hash = ?",
                {V(hash)});
            if (!r) return;
            Principal p;
            p.token = FromRow(*r, now);
            p.org_slug = r->Str(11);
            // Valid apart from time: not revoked, a known role, and a creator who still holds a covering role.
            p.valid = p.token.revoked_at.empty() && ParseRole(r->Str(4)).has_value();
            if (p.valid && !p.token.user_id.empty()) {
                auto member_role = r->IsNull(14) ? std::nullopt : ParseRole(r->Str(14));
                p.valid = !r->IsNull(12) && r->Int(13) == 0 && member_role && RoleCovers(*member_role, p.token.role);
            }
            found = std::move(p);
        });
        if (!found) return std::nullopt;  // unknown hashes are not cached: the cache holds real tokens only
        cache_.Put(hash, head, *found);
    }
    const ApiToken& token = found->token;
    if (!found->valid) return std::nullopt;
    if (!token.expires_at.empty()) {
        auto e = time::ParseUtc(token.expires_at);
        if (!e || now >= *e) return std::nullopt;
    }
    if (!org_key.empty() && org_key != token.org_id && org_key != found->org_slug)
        throw Error::NotFound(fmt::format("no organisation '{}'", org_key));
    auto last = time::ParseUtc(token.last_used_at);
    if (!last || now - *last >= std::chrono::seconds(60)) {
        // Operational state, not a change to the ISMS: no change-log entry (so the head, and every cache, stays).
        // At most once a minute per token and server process.
        std::string now_s = time::FormatUtc(now);
        store_.Write(Context::System(), [&](store::WriteTx& tx) {
            tx.Exec("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", {V(now_s), V(token.id)});
        });
        cache_.Update(hash, [&](Principal& p) { p.token.last_used_at = now_s; });
    }
    Context c;
    c.org_id = token.org_id;
    c.role = token.role;
    c.actor = "token:" + token.name;
    c.user_id = token.user_id;
    return c;
}

}  // namespace isms::auth
