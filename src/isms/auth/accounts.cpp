#include "isms/auth/accounts.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "isms/auth/password.hpp"
#include "isms/auth/totp.hpp"
#include "isms/core/crypto.hpp"
#include "isms/core/error.hpp"

namespace isms::auth {

using store::Null;
using store::V;

namespace {

constexpr const char* kUserColumns =
    "id, username, display_name, disabled, totp_secret, created_at, password_changed_at";

User UserFromRow(const store::Row& r) {
    User u;
    u.id = r.Str(0);
    u.username = r.Str(1);
    u.display_name = r.Str(2);
    u.disabled = r.Int(3) != 0;
    u.totp_enabled = !r.IsNull(4) && !r.Str(4).empty();
    u.created_at = r.Str(5);
    u.password_changed_at = r.Str(6);
    return u;
}

Json UserJson(const User& u) {
    return {{"username", u.username}, {"display_name", u.display_name}, {"disabled", u.disabled}};
}

const Membership* MembershipIn(const User& u, const std::string& org_id) {
    for (const auto& m : u.memberships)
        if (m.org_id == org_id) return &m;
    return nullptr;
}

// Only the caller's organisation is shown to anyone but the local operator.
User ScopedTo(User u, const Context& ctx) {
    if (ctx.system) return u;
    std::erase_if(u.memberships, [&](const Membership& m) { return m.org_id != ctx.org_id; });
    return u;
}

// Refuses a change that would leave an organisation without an enabled administrator (local operator exempt:
// the operator is the way back in).
void KeepAnAdministrator(const Context& ctx, store::Db& db, const std::string& org_id, const std::string& user_id) {
    if (ctx.system) return;
    auto r = db.QueryOne(
        "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = ? AND m.role = ? AND "
        "u.disabled = 0 AND m.user_id <> ?",
        {V(org_id), V("administrator"), V(user_id)});
    if (!r || r->Int(0) == 0)
        throw Error::Conflict("the organisation would have no enabled administrator left: grant the administrator "
                              "role to someone else first");
}

// The one answer for an account the caller may not see, whether it exists elsewhere or not at all (existence
// hiding: the same text and status for both).
Error NoAccountHere(const std::string& key) {
    return Error::NotFound(fmt::format("no account '{}' in this organisation", key));
}

void RevokeSessions(store::Db& db, const std::string& user_id, const std::string& keep_hash = "") {
    db.Exec("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND id_hash <> ?",
            {V(time::NowUtc()), V(user_id), V(keep_hash)});
}

}  // namespace

std::vector<Membership> LoadMemberships(store::Db& db, const std::string& user_id) {
    std::vector<Membership> out;
    for (const auto& r : db.Query("SELECT m.org_id, o.slug, o.name, m.role FROM memberships m JOIN organisations o ON "
                                  "o.id = m.org_id WHERE m.user_id = ? ORDER BY o.slug",
                                  {V(user_id)})) {
        auto role = ParseRole(r.Str(3));
        if (!role) continue;  // a role this version does not know grants nothing
        out.push_back({r.Str(0), r.Str(1), r.Str(2), *role});
    }
    return out;
}

std::optional<User> LoadUser(store::Db& db, const std::string& column, const std::string& value) {
    if (column != "id" && column != "username") throw Error::Internal("LoadUser: bad column");
    auto r = db.QueryOne(fmt::format("SELECT {} FROM users WHERE {} = ?", kUserColumns, column), {V(value)});
    if (!r) return std::nullopt;
    User u = UserFromRow(*r);
    u.memberships = LoadMemberships(db, u.id);
    return u;
}

std::string AccountService::NormaliseUsername(const std::string& username) {
    std::string s = username;
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    size_t b = 0;
    while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    s = s.substr(b);
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    bool ok = !s.empty() && s.size() <= 64 && std::isalnum(static_cast<unsigned char>(s[0]));
    for (unsigned char c : s)
        ok = ok && (std::isalnum(c) || c == '.' || c == '_' || c == '-' || c == '@' || c == '+');
    if (!ok)
        throw Error::InvalidInput("a username has 1 to 64 characters: letters, digits, '.', '_', '-', '@', '+', "
                                  "starting with a letter or digit",
                                  {{"username", "invalid"}});
    return s;
}

std::optional<User> AccountService::FindById(const std::string& id) {
    return store_.Read([&](store::Db& db) { return LoadUser(db, "id", id); });
}

std::optional<User> AccountService::FindByUsername(const std::string& username) {
    return store_.Read([&](store::Db& db) { return LoadUser(db, "username", username); });
}

User AccountService::Create(const Context& ctx, const NewUser& nu) {
    if (!ctx.system) {
        RequirePermission(ctx, Permission::kUsersAdmin);
        if (!nu.role)
            throw Error::InvalidInput("a new account needs a role in the organisation", {{"role", "required"}});
        if (!RoleCovers(*ctx.role, *nu.role))
            throw Error::Forbidden(fmt::format("the role '{}' cannot grant the role '{}'", RoleName(*ctx.role),
                                               RoleName(*nu.role)));
    }
    if (nu.role && ctx.org_id.empty())
        throw Error::InvalidInput("name the organisation the role is for (--org)", {{"org", "required"}});
    std::string username = NormaliseUsername(nu.username);
    std::string display = nu.display_name.empty() ? username : nu.display_name;
    if (display.size() > 200)
        throw Error::InvalidInput("the display name is longer than 200 bytes", {{"display_name", "too long"}});
    CheckPasswordPolicy(nu.password, username);
    std::string hash = HashPassword(nu.password);
    User u;
    u.id = crypto::NewId();
    u.username = username;
    u.display_name = display;
    u.created_at = u.password_changed_at = time::NowUtc();
    store_.Write(ctx, [&](store::WriteTx& tx) {
        if (tx.QueryOne("SELECT id FROM users WHERE username = ?", {V(username)}))
            throw Error::Conflict(fmt::format("the username '{}' is taken", username), {{"username", "taken"}});
        tx.Exec("INSERT INTO users (id, username, display_name, password_hash, disabled, created_at, "
                "password_changed_at) VALUES (?, ?, ?, ?, 0, ?, ?)",
                {V(u.id), V(username), V(display), V(hash), V(u.created_at), V(u.password_changed_at)});
        Json after = UserJson(u);
        if (nu.role) {
            tx.Exec("INSERT INTO memberships (user_id, org_id, role, granted_at, granted_by) VALUES (?, ?, ?, ?, ?)",
                    {V(u.id), V(ctx.org_id), V(std::string(RoleName(*nu.role))), V(u.created_at), V(ctx.actor)});
            after["role"] = RoleName(*nu.role);
        }
        tx.Log(ctx.org_id, "user", u.id, "create", nullptr, after);
        u.memberships = LoadMemberships(tx, u.id);
    });
    return u;
}

std::vector<User> AccountService::List(const Context& ctx) {
    if (!(ctx.system && ctx.org_id.empty())) RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) {
        std::vector<User> out;
        store::Rows rows;
        if (ctx.system && ctx.org_id.empty()) {
            rows = db.Query(fmt::format("SELECT {} FROM users ORDER BY username", kUserColumns));
        } else {
            rows = db.Query(fmt::format("SELECT {} FROM users WHERE id IN (SELECT user_id FROM memberships WHERE "
                                        "org_id = ?) ORDER BY username",
                                        kUserColumns),
                            {V(ctx.org_id)});
        }
        for (const auto& r : rows) {
            User u = UserFromRow(r);
            u.memberships = LoadMemberships(db, u.id);
            out.push_back(ScopedTo(std::move(u), ctx));
        }
        return out;
    });
}

std::optional<User> AccountService::Find(const Context& ctx, const std::string& key) {
    if (!(ctx.system && ctx.org_id.empty())) RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) -> std::optional<User> {
        auto u = LoadUser(db, "username", key);
        if (!u) u = LoadUser(db, "id", key);
        if (!u) return std::nullopt;
        if (!ctx.system && !MembershipIn(*u, ctx.org_id)) return std::nullopt;
        return ScopedTo(std::move(*u), ctx);
    });
}

User AccountService::RequireManageable(const Context& ctx, store::Db& db, const std::string& key) {
    if (!ctx.system) RequirePermission(ctx, Permission::kUsersAdmin);
    auto u = LoadUser(db, "username", key);
    if (!u) u = LoadUser(db, "id", key);
    if (!u || (!ctx.system && !MembershipIn(*u, ctx.org_id)))
        throw NoAccountHere(key);
    if (ctx.system) return *u;
    // An account shared with other organisations is changed only by someone who administers all of them.
    std::vector<Membership> caller;
    if (!ctx.user_id.empty()) caller = LoadMemberships(db, ctx.user_id);
    for (const auto& m : u->memberships) {
        if (m.org_id == ctx.org_id) continue;
        bool admin_there = std::any_of(caller.begin(), caller.end(), [&](const Membership& c) {
            return c.org_id == m.org_id && c.role == Role::kAdministrator;
        });
        if (!admin_there)
            throw Error::Forbidden(fmt::format("the account '{}' also belongs to an organisation you do not "
                                               "administer; ask the installation's operator",
                                               u->username));
    }
    return *u;
}

void AccountService::SetDisabled(const Context& ctx, const std::string& username, bool disabled) {
    store_.Write(ctx, [&](store::WriteTx& tx) {
        User u = RequireManageable(ctx, tx, username);
        if (u.disabled == disabled) return;
        if (disabled)
            for (const auto& m : u.memberships)
                if (m.role == Role::kAdministrator) KeepAnAdministrator(ctx, tx, m.org_id, u.id);
        tx.Exec("UPDATE users SET disabled = ? WHERE id = ?", {V(disabled), V(u.id)});
        if (disabled) RevokeSessions(tx, u.id);
        Json before = UserJson(u);
        u.disabled = disabled;
        tx.Log(ctx.org_id, "user", u.id, disabled ? "disable" : "enable", before, UserJson(u));
    });
}

void AccountService::ResetPassword(const Context& ctx, const std::string& username, const std::string& new_password) {
    // Check the scope before spending time on hashing.
    std::string name = store_.Read([&](store::Db& db) { return RequireManageable(ctx, db, username).username; });
    CheckPasswordPolicy(new_password, name);
    std::string hash = HashPassword(new_password);
    store_.Write(ctx, [&](store::WriteTx& tx) {
        User u = RequireManageable(ctx, tx, username);
        tx.Exec("UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?",
                {V(hash), V(time::NowUtc()), V(u.id)});
        RevokeSessions(tx, u.id);
        LoginThrottle::Clear(tx, "user:" + u.username);
        tx.Log(ctx.org_id, "user", u.id, "reset_password", nullptr, UserJson(u));
    });
}

std::string AccountService::ConfirmOwnPassword(const Context& ctx, const std::string& password,
                                               const std::string& remote_addr, const std::string& field) {
    if (ctx.user_id.empty()) throw Error::Forbidden("only a signed-in account can change its own credentials");
    if (password.size() > kMaxPasswordBytes)
        throw Error::InvalidInput("the password is too long", {{field, "too long"}});
    std::string address_key = LoginThrottle::AddressKey(remote_addr);
    auto row = store_.Read([&](store::Db& db) {
        auto r = db.QueryOne("SELECT username, password_hash, disabled FROM users WHERE id = ?", {V(ctx.user_id)});
        if (r) throttle_.RefuseIfLocked(db, {"user:" + r->Str(0), address_key});
        return r;
    });
    if (!row || row->Int(2) != 0) throw Error::Unauthenticated("the account no longer exists or is disabled");
    if (!VerifyPassword(row->Str(1), password)) {
        throttle_.RecordFailure("user:" + row->Str(0), address_key);
        throw Error::InvalidInput(field == "current_password" ? "the current password is wrong" : "the password is wrong",
                                  {{field, "wrong"}});
    }
    return row->Str(0);
}

void AccountService::ChangeOwnPassword(const Context& ctx, const std::string& current, const std::string& new_password,
                                       const std::string& keep_session_hash, const std::string& remote_addr) {
    std::string username = ConfirmOwnPassword(ctx, current, remote_addr, "current_password");
    CheckPasswordPolicy(new_password, username);
    std::string hash = HashPassword(new_password);
    store_.Write(ctx, [&](store::WriteTx& tx) {
        tx.Exec("UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?",
                {V(hash), V(time::NowUtc()), V(ctx.user_id)});
        RevokeSessions(tx, ctx.user_id, keep_session_hash);
        LoginThrottle::Clear(tx, "user:" + username);
        tx.Log(ctx.org_id, "user", ctx.user_id, "change_password", nullptr, Json{{"username", username}});
    });
}

void AccountService::DisableOwnTotp(const Context& ctx, const std::string& password, const std::string& remote_addr) {
    std::string username = ConfirmOwnPassword(ctx, password, remote_addr, "password");
    store_.Write(ctx, [&](store::WriteTx& tx) {
        auto u = LoadUser(tx, "id", ctx.user_id);
        if (!u) throw Error::Unauthenticated("the account no longer exists");
        tx.Exec("UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL WHERE id = ?", {V(u->id)});
        LoginThrottle::Clear(tx, "user:" + username);
        tx.Log(ctx.org_id, "user", u->id, "totp_disable", nullptr, UserJson(*u));
    });
}

Membership AccountService::Grant(const Context& ctx, const std::string& username, Role role) {
    if (!ctx.system) {
        RequirePermission(ctx, Permission::kUsersAdmin);
        if (!RoleCovers(*ctx.role, role))
            throw Error::Forbidden(fmt::format("the role '{}' cannot grant the role '{}'", RoleName(*ctx.role),
                                               RoleName(role)));
    }
    if (ctx.org_id.empty()) throw Error::InvalidInput("name the organisation (--org)", {{"org", "required"}});
    std::string name = NormaliseUsername(username);
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        auto u = LoadUser(tx, "username", name);
        const Membership* existing = u ? MembershipIn(*u, ctx.org_id) : nullptr;
        // Only the local operator brings an account of another organisation in: to anyone else an account of
        // another organisation is as absent as one that does not exist (same answer), or they would learn it.
        if (!u && ctx.system) throw Error::NotFound(fmt::format("no account '{}'", name));
        if (!existing && !ctx.system) throw NoAccountHere(name);
        Json before = existing ? Json{{"username", u->username}, {"role", RoleName(existing->role)}} : Json(nullptr);
        if (existing && existing->role == Role::kAdministrator && role != Role::kAdministrator)
            KeepAnAdministrator(ctx, tx, ctx.org_id, u->id);
        tx.Exec("DELETE FROM memberships WHERE user_id = ? AND org_id = ?", {V(u->id), V(ctx.org_id)});
        tx.Exec("INSERT INTO memberships (user_id, org_id, role, granted_at, granted_by) VALUES (?, ?, ?, ?, ?)",
                {V(u->id), V(ctx.org_id), V(std::string(RoleName(role))), V(time::NowUtc()), V(ctx.actor)});
        tx.Log(ctx.org_id, "membership", u->id, existing ? "update" : "create", before,
               Json{{"username", u->username}, {"role", RoleName(role)}});
        for (const auto& m : LoadMemberships(tx, u->id))
            if (m.org_id == ctx.org_id) return m;
        throw Error::Internal("membership not stored");
    });
}

void AccountService::Revoke(const Context& ctx, const std::string& username) {
    if (!ctx.system) RequirePermission(ctx, Permission::kUsersAdmin);
    if (ctx.org_id.empty()) throw Error::InvalidInput("name the organisation (--org)", {{"org", "required"}});
    std::string name = NormaliseUsername(username);
    store_.Write(ctx, [&](store::WriteTx& tx) {
        auto u = LoadUser(tx, "username", name);
        const Membership* m = u ? MembershipIn(*u, ctx.org_id) : nullptr;
        if (!m) throw NoAccountHere(name);
        if (m->role == Role::kAdministrator) KeepAnAdministrator(ctx, tx, ctx.org_id, u->id);
        tx.Exec("DELETE FROM memberships WHERE user_id = ? AND org_id = ?", {V(u->id), V(ctx.org_id)});
        tx.Log(ctx.org_id, "membership", u->id, "delete", Json{{"username", u->username}, {"role", RoleName(m->role)}},
               nullptr);
    });
}

std::vector<store::ChangeEntry> AccountService::SystemLog(const Context& ctx, store::LogQuery q) {
    q.org_id = "";
    q.condition.clear();
    q.condition_params.clear();
    if (!ctx.system) {
        RequirePermission(ctx, Permission::kUsersAdmin);
        q.condition =
            "(entity = 'user' AND entity_id IN (SELECT user_id FROM memberships WHERE org_id = ?)) OR "
            "(entity = 'login_throttle' AND entity_id IN (SELECT 'user:' || u.username FROM users u JOIN memberships "
            "m ON m.user_id = u.id WHERE m.org_id = ?))";
        q.condition_params = {V(ctx.org_id), V(ctx.org_id)};
    }
    return store_.Read([&](store::Db& db) { return store::ReadLog(db, q); });
}

TotpEnrolment AccountService::EnableTotp(const Context& ctx, const std::string& username) {
    std::string secret = NewTotpSecret();
    std::string name = store_.Write(ctx, [&](store::WriteTx& tx) {
        User u = RequireManageable(ctx, tx, username);
        tx.Exec("UPDATE users SET totp_secret = ?, totp_pending_secret = NULL, totp_last_step = 0 WHERE id = ?",
                {V(secret), V(u.id)});
        tx.Log(ctx.org_id, "user", u.id, "totp_enable", nullptr, UserJson(u));
        return u.username;
    });
    return {secret, OtpauthUri("isms", name, secret)};
}

void AccountService::DisableTotp(const Context& ctx, const std::string& username) {
    store_.Write(ctx, [&](store::WriteTx& tx) {
        User u;
        auto self = ctx.user_id.empty() ? std::nullopt : LoadUser(tx, "id", ctx.user_id);
        if (self && (self->username == username || self->id == username)) {
            u = *self;
        } else {
            u = RequireManageable(ctx, tx, username);
        }
        tx.Exec("UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL WHERE id = ?", {V(u.id)});
        tx.Log(ctx.org_id, "user", u.id, "totp_disable", nullptr, UserJson(u));
    });
}

TotpEnrolment AccountService::BeginTotp(const Context& ctx) {
    if (ctx.user_id.empty()) throw Error::Forbidden("only a signed-in account can enrol a second factor");
    std::string secret = NewTotpSecret();
    std::string name = store_.Write(ctx, [&](store::WriteTx& tx) {
        auto u = LoadUser(tx, "id", ctx.user_id);
        if (!u) throw Error::Unauthenticated("the account no longer exists");
        tx.Exec("UPDATE users SET totp_pending_secret = ? WHERE id = ?", {V(secret), V(u->id)});
        return u->username;
    });
    return {secret, OtpauthUri("isms", name, secret)};
}

void AccountService::ConfirmTotp(const Context& ctx, const std::string& code, time::Clock::time_point now) {
    if (ctx.user_id.empty()) throw Error::Forbidden("only a signed-in account can enrol a second factor");
    int64_t unix_now = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    store_.Write(ctx, [&](store::WriteTx& tx) {
        auto r = tx.QueryOne("SELECT totp_pending_secret, username FROM users WHERE id = ?", {V(ctx.user_id)});
        if (!r || r->IsNull(0))
            throw Error::Conflict("no second-factor enrolment is in progress: start one first");
        auto step = VerifyTotp(r->Str(0), code, unix_now, 0);
        if (!step)
            throw Error::InvalidInput("the code does not match the new secret (check the device's clock)",
                                      {{"code", "wrong"}});
        tx.Exec("UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, totp_last_step = ? "
                "WHERE id = ?",
                {V(*step), V(ctx.user_id)});
        tx.Log(ctx.org_id, "user", ctx.user_id, "totp_enable", nullptr, Json{{"username", r->Str(1)}});
    });
}

bool AccountService::CheckPassword(const std::string& username, const std::string& password) {
    auto r = store_.Read([&](store::Db& db) {
        return db.QueryOne("SELECT password_hash FROM users WHERE username = ? AND disabled = 0", {V(username)});
    });
    return r && VerifyPassword(r->Str(0), password);
}

Context AccountService::ContextFor(const User& user, const std::string& org_key, const std::string& actor) {
    Context c;
    c.actor = actor;
    c.user_id = user.id;
    const Membership* chosen = nullptr;
    if (org_key.empty()) {
        if (!user.memberships.empty()) chosen = &user.memberships.front();
    } else {
        for (const auto& m : user.memberships)
            if (m.org_slug == org_key || m.org_id == org_key) chosen = &m;
        if (!chosen) throw Error::NotFound(fmt::format("no organisation '{}'", org_key));
    }
    if (chosen) {
        c.org_id = chosen->org_id;
        c.role = chosen->role;
    }
    return c;
}

}  // namespace isms::auth
