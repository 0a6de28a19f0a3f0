#include "isms/auth/throttle.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "isms/auth/accounts.hpp"
#include "isms/core/error.hpp"

namespace isms::auth {

using store::V;

namespace {

time::Clock::time_point ParseOr(const std::string& s, time::Clock::time_point def) {
    auto tp = time::ParseUtc(s);
    return tp ? *tp : def;
}

}  // namespace

std::string LoginThrottle::AccountKey(const std::string& username) {
    try {
        return "user:" + AccountService::NormaliseUsername(username);
    } catch (const Error&) {
        std::string s = username.substr(0, 64);
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return "user:" + s;
    }
}

std::string LoginThrottle::AddressKey(const std::string& remote_addr) {
    return "addr:" + (remote_addr.empty() ? std::string("-") : remote_addr.substr(0, 64));
}

void LoginThrottle::RefuseIfLocked(store::Db& db, const std::vector<std::string>& keys) const {
    auto now = now_();
    std::optional<time::Clock::time_point> locked;
    for (const auto& key : keys) {
        auto r = db.QueryOne("SELECT locked_until FROM login_throttle WHERE throttle_key = ?", {V(key)});
        if (!r || r->IsNull(0)) continue;
        auto until = time::ParseUtc(r->Str(0));
        if (until && *until > now && (!locked || *until > *locked)) locked = until;
    }
    if (!locked) return;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*locked - now).count();
    auto secs = (ms + 999) / 1000;
    throw Error(ErrorCode::kRateLimited, fmt::format("too many failed sign-ins: try again in {} seconds", secs),
                {{"retry_after", std::to_string(secs)}});
}

void LoginThrottle::RecordFailure(const std::string& account_key, const std::string& address_key) {
    auto now = now_();
    std::string now_s = time::FormatUtc(now);
    store_.Write(Context::System(), [&](store::WriteTx& tx) {
        for (const auto& [key, free] : {std::pair{account_key, policy_.account_free},
                                        std::pair{address_key, policy_.address_free}}) {
            auto r = tx.QueryOne("SELECT failures, last_failure_at, locked_until FROM login_throttle WHERE "
                                 "throttle_key = ?",
                                 {V(key)});
            int64_t failures = 0;
            if (r && now - ParseOr(r->Str(1), now) < policy_.forget_after) failures = r->Int(0);
            ++failures;
            std::optional<std::string> locked_until;
            if (failures >= free) {
                int64_t exp = std::min<int64_t>(failures - free, 20);
                auto lock = std::min<std::chrono::seconds>(policy_.first_lock * (int64_t{1} << exp), policy_.max_lock);
                locked_until = time::FormatUtc(now + lock);
                tx.Log("", "login_throttle", key, "lockout", nullptr,
                       Json{{"failures", failures}, {"locked_until", *locked_until}, {"seconds", lock.count()}});
            }
            tx.Exec("DELETE FROM login_throttle WHERE throttle_key = ?", {V(key)});
            tx.Exec("INSERT INTO login_throttle (throttle_key, failures, last_failure_at, locked_until) VALUES (?, ?, "
                    "?, ?)",
                    {V(key), V(failures), V(now_s), V(locked_until)});
        }
    });
}

void LoginThrottle::Clear(store::Db& tx, const std::string& account_key) {
    tx.Exec("DELETE FROM login_throttle WHERE throttle_key = ?", {V(account_key)});
}

}  // namespace isms::auth
