// Throttling of password checks: one mechanism for signing in (SessionService::Login) and for the checks of
// the current password a signed-in account must pass to change its own credentials (AccountService::
// ChangeOwnPassword, DisableOwnTotp), so that a stolen session cannot be used to guess the password faster
// than the sign-in form allows.
//
// Keys: "user:<username in its normal form>" per account and "addr:<client address>" per address. After
// `account_free` (resp. `address_free`) failures in a row, every further failure locks the key for
// first_lock · 2^(failures − free), at most `max_lock`; a locked key is refused with kRateLimited without
// looking at the password. Failures older than `forget_after` are forgotten; a success clears the account's
// count. The counters live in the store (table login_throttle), so several servers share them; each lock is a
// change-log entry (entity "login_throttle", op "lockout", installation-wide: no organisation).
//
// Thread-safe; the policy is set once before serving.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "isms/core/time.hpp"
#include "isms/store/store.hpp"

namespace isms::auth {

using NowFn = std::function<time::Clock::time_point()>;

struct ThrottlePolicy {
    int account_free = 5;
    int address_free = 20;
    std::chrono::seconds first_lock{5};
    std::chrono::seconds max_lock{std::chrono::minutes(15)};
    std::chrono::seconds forget_after{std::chrono::hours(1)};
};

class LoginThrottle {
public:
    explicit LoginThrottle(store::Store& store, NowFn now = [] { return time::Clock::now(); })
        : store_(store), now_(std::move(now)) {}

    void SetPolicy(const ThrottlePolicy& p) { policy_ = p; }
    time::Clock::time_point Now() const { return now_(); }

    // The account key of a username as typed: its normal form when valid, else a bounded lower-case copy.
    static std::string AccountKey(const std::string& username);
    // The address key ("-" when unknown).
    static std::string AddressKey(const std::string& remote_addr);

    // Throws kRateLimited ("too many failed sign-ins: try again in N seconds", detail "retry_after" = N) when
    // any of `keys` is locked now.
    void RefuseIfLocked(store::Db& db, const std::vector<std::string>& keys) const;
    // Counts one failure for both keys, locking each past its free failures (with a change-log entry).
    void RecordFailure(const std::string& account_key, const std::string& address_key);
    // Forgets the account's failures, inside the caller's write (after a success).
    static void Clear(store::Db& tx, const std::string& account_key);

private:
    store::Store& store_;
    NowFn now_;
    ThrottlePolicy policy_;
};

}  // namespace isms::auth
