// A bounded cache of what authenticating a credential found (docs/security.md, "Authentication cache").
//
// Keyed by the credential's stored hash (API token SHA-256, session id SHA-256) and valid for one state of the
// store: the change log's head (store::LogHead) of the read snapshot the entry was filled from. Every change to
// accounts, memberships, organisations, API tokens and sessions (creation, revocation, logout, disabling, role
// and password changes) is written to the change log in its own transaction, so any of them - made by this
// process, another `isms serve` on the same database, or the CLI - moves the head, and the next request, which
// reads the head first (Store::ChangeLogHead, one statement), no longer finds the entry. An entry is never used
// under any other head than its own, so revocation takes effect on the very next request on every server.
// Time-dependent checks (expiry, idle time) are made by the caller on every use, never cached.
//
// Bounded: at `capacity` entries the cache is emptied (a refill costs one lookup per credential). Thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "isms/store/store.hpp"

namespace isms::auth {

template <class Entry>
class PrincipalCache {
public:
    explicit PrincipalCache(size_t capacity = 10000) : capacity_(capacity) {}

    // The entry for `key` if it was filled under `head` (the store's current head).
    std::optional<Entry> Find(const std::string& key, const store::LogHead& head) {
        std::lock_guard lock(m_);
        if (!(head == head_)) return std::nullopt;
        auto it = map_.find(key);
        if (it == map_.end()) return std::nullopt;
        return it->second;
    }

    // Stores what a lookup found in a read snapshot whose head was `filled_under`. Entries of any other head
    // are dropped first: they can never be used again once a request has seen a different head.
    void Put(const std::string& key, const store::LogHead& filled_under, Entry e) {
        std::lock_guard lock(m_);
        if (!(filled_under == head_)) {
            map_.clear();
            head_ = filled_under;
        }
        if (map_.size() >= capacity_) map_.clear();
        map_.insert_or_assign(key, std::move(e));
    }

    // Changes the entry for `key` in place (bookkeeping such as the last-use time), if present.
    void Update(const std::string& key, const std::function<void(Entry&)>& f) {
        std::lock_guard lock(m_);
        auto it = map_.find(key);
        if (it != map_.end()) f(it->second);
    }

    void Erase(const std::string& key) {
        std::lock_guard lock(m_);
        map_.erase(key);
    }

    size_t size() {
        std::lock_guard lock(m_);
        return map_.size();
    }

private:
    std::mutex m_;
    const size_t capacity_;
    store::LogHead head_{-1, ""};  // matches no real head until the first Put
    std::unordered_map<std::string, Entry> map_;
};

}  // namespace isms::auth
