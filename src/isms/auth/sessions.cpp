#include "isms/auth/sessions.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "isms/auth/password.hpp"
#include "isms/auth/totp.hpp"
#include "isms/core/crypto.hpp"
#include "isms/core/error.hpp"
#include "isms/core/logging.hpp"

namespace isms::auth {

using store::V;

namespace {

bool IsHex64(const std::string& s) {
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

int64_t UnixSeconds(time::Clock::time_point tp) {
    return std::chrono::duration_cast<std::chrono::seconds>(tp.time_since_epoch()).count();
}

time::Clock::time_point ParseOr(const std::string& s, time::Clock::time_point def) {
    auto tp = time::ParseUtc(s);
    return tp ? *tp : def;
}

}  // namespace

std::string SessionService::HashId(const std::string& session_id) { return crypto::Sha256Hex(session_id); }

std::string SessionService::CsrfToken(const std::string& session_id) {
    return crypto::Sha256Hex("isms-csrf\n" + session_id);
}

Session SessionService::Login(const LoginRequest& req) {
    if (req.username.empty() || req.username.size() > 256)
        throw Error::InvalidInput("give a username", {{"username", "required"}});
    if (req.password.size() > kMaxPasswordBytes)
        throw Error::InvalidInput("the password is too long", {{"password", "too long"}});
    auto now = now_();
    std::string user_key = LoginThrottle::AccountKey(req.username);
    std::string addr_key = LoginThrottle::AddressKey(req.remote_addr);

    struct Account {
        std::string id, username, hash, totp_secret;
        bool disabled = false;
        int64_t totp_last_step = 0;
    };
    std::optional<Account> account;
    store_.Read([&](store::Db& db) {
        throttle_.RefuseIfLocked(db, {user_key, addr_key});
        auto r = db.QueryOne("SELECT id, username, password_hash, disabled, totp_secret, totp_last_step FROM users "
                             "WHERE username = ?",
                             {V(user_key.substr(5))});
        if (r) account = Account{r->Str(0), r->Str(1), r->Str(2), r->Str(4), r->Int(3) != 0, r->Int(5)};
    });
    bool ok = false;
    if (!account) {
        SpendVerificationTime(req.password);
    } else {
        ok = VerifyPassword(account->hash, req.password);
    }
    if (ok && account->disabled) {
        // The same answer as a wrong password (and counted as a failure): the right password of a disabled
        // account must not be confirmed to whoever tries it. The server's log says why.
        logging::Event(logging::Level::kWarn, "sign-in refused",
                       {{"reason", "account disabled"}, {"username", account->username},
                        {"remote_addr", req.remote_addr.substr(0, 64)}});
        ok = false;
    }
    std::optional<int64_t> totp_step;
    if (ok && !account->totp_secret.empty()) {
        if (req.totp.empty())
            throw Error(ErrorCode::kUnauthenticated, "this account needs the one-time code of its authenticator app",
                        {{"totp", "required"}});
        totp_step = VerifyTotp(account->totp_secret, req.totp, UnixSeconds(now), account->totp_last_step);
        ok = totp_step.has_value();
    }
    if (!ok) {
        throttle_.RecordFailure(user_key, addr_key);
        throw Error::Unauthenticated("wrong username, password or one-time code");
    }

    std::string rehash = NeedsRehash(account->hash) ? HashPassword(req.password) : "";
    Session s;
    s.id = crypto::RandomHex(32);
    s.id_hash = HashId(s.id);
    s.csrf_token = CsrfToken(s.id);
    s.created_at = s.last_seen_at = time::FormatUtc(now);
    s.expires_at = time::FormatUtc(now + policy_.absolute);
    Context ctx;
    ctx.actor = "user:" + account->username;
    ctx.user_id = account->id;
    store_.Write(ctx, [&](store::WriteTx& tx) {
        LoginThrottle::Clear(tx, user_key);
        tx.Exec("DELETE FROM sessions WHERE expires_at < ? OR revoked_at IS NOT NULL",
                {V(time::FormatUtc(now - std::chrono::hours(24)))});
        if (totp_step) tx.Exec("UPDATE users SET totp_last_step = ? WHERE id = ?", {V(*totp_step), V(account->id)});
        if (!rehash.empty()) tx.Exec("UPDATE users SET password_hash = ? WHERE id = ?", {V(rehash), V(account->id)});
        tx.Exec("INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, remote_addr, "
                "user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)",
                {V(s.id_hash), V(account->id), V(s.created_at), V(s.last_seen_at), V(s.expires_at),
                 V(req.remote_addr.substr(0, 64)), V(req.user_agent.substr(0, 256))});
        tx.Log("", "user", account->id, "login", nullptr,
               Json{{"username", account->username}, {"remote_addr", req.remote_addr.substr(0, 64)},
                    {"second_factor", totp_step.has_value()}});
        auto u = LoadUser(tx, "id", account->id);
        if (!u) throw Error::Internal("account vanished during sign-in");
        s.user = *u;
    });
    return s;
}

std::optional<Session> SessionService::Authenticate(const std::string& session_id) {
    if (!IsHex64(session_id)) return std::nullopt;
    auto now = now_();
    std::string hash = HashId(session_id);
    auto live = [&](const Session& s) {
        auto last_seen = time::ParseUtc(s.last_seen_at);
        auto expires = time::ParseUtc(s.expires_at);
        return last_seen && expires && now < *expires && now < *last_seen + policy_.idle;
    };
    // The session and its account as of the store's change-log head: from the cache when it was filled under
    // that head (principal_cache.hpp), otherwise from the database. Sign-out, password resets and disabling
    // move the head. The last-seen time is bookkeeping that other servers refresh without moving the head, so
    // a session that looks idle here is read again before it is refused.
    std::optional<Session> s = cache_.Find(hash, store_.ChangeLogHead());
    if (!s || !live(*s)) {
        s.reset();
        store::LogHead head;
        bool found = false;
        store_.Read([&](store::Db& db) {
            head = store::ReadLogHead(db);
            auto r = db.QueryOne("SELECT user_id, created_at, last_seen_at, expires_at, revoked_at FROM sessions "
                                 "WHERE id_hash = ?",
                                 {V(hash)});
            if (!r || !r->IsNull(4)) return;
            auto u = LoadUser(db, "id", r->Str(0));
            if (!u || u->disabled) return;
            found = true;
            s = Session{"", hash, CsrfToken(session_id), *u, r->Str(1), r->Str(2), r->Str(3)};
        });
        if (!found) {
            cache_.Erase(hash);
            return std::nullopt;
        }
        cache_.Put(hash, head, *s);
        if (!live(*s)) return std::nullopt;
    }
    auto touch_every = std::min<std::chrono::seconds>(std::chrono::seconds(60), policy_.idle / 4);
    if (now - ParseOr(s->last_seen_at, now) >= touch_every) {
        s->last_seen_at = time::FormatUtc(now);
        // Operational state, not a change to the ISMS: no change-log entry (so the head, and every cache, stays).
        // At most once per touch_every per session and server process.
        store_.Write(Context::System(), [&](store::WriteTx& tx) {
            tx.Exec("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", {V(s->last_seen_at), V(hash)});
        });
        cache_.Update(hash, [&](Session& c) { c.last_seen_at = s->last_seen_at; });
    }
    return s;
}

void SessionService::Logout(const Context& ctx, const std::string& session_id) {
    if (!IsHex64(session_id)) return;
    std::string hash = HashId(session_id);
    store_.Write(ctx, [&](store::WriteTx& tx) {
        auto r = tx.QueryOne("SELECT user_id FROM sessions WHERE id_hash = ? AND revoked_at IS NULL", {V(hash)});
        if (!r) return;
        tx.Exec("UPDATE sessions SET revoked_at = ? WHERE id_hash = ?", {V(time::FormatUtc(now_())), V(hash)});
        tx.Log("", "user", r->Str(0), "logout", nullptr, Json{{"session", hash.substr(0, 12)}});
    });
}

}  // namespace isms::auth
