// SOCI implementation of the Store for the sqlite3 and postgresql backends.
//
// Why it looks the way it does:
// - Statements run as SOCI one-time queries: on PostgreSQL that is one PQexecParams round trip, where a
//   prepared SOCI statement would parse, execute and deallocate a named statement (three round trips).
// - Connections are pooled here, not in soci::connection_pool: opened on demand and thrown away when they
//   fail, so a restarted server costs one failed BEGIN (retried on a fresh connection), never a pool of
//   dead sessions.
// - Engine errors are classified by SQLSTATE (PostgreSQL) and extended result code (SQLite), read from the
//   connection itself, not by matching message text.
#include <fmt/format.h>
#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "isms/core/crypto.hpp"
#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/store/change_log.hpp"
#include "isms/store/pg_url.hpp"
#include "isms/store/store.hpp"

namespace isms::store {

namespace {

using namespace std::chrono_literals;
// SOCI's header declares SQLite's C API inside this namespace (its macros are global as usual).
using namespace sqlite_api;

// How long a Read/Write waits for a free connection before giving up, and how long /health waits.
constexpr auto kLeaseWait = 30s;
constexpr auto kPingWait = 2s;
// The advisory lock that serialises writers on PostgreSQL (any constant shared by every isms process).
constexpr const char* kWriterLock = "SELECT pg_advisory_xact_lock(727001)";

// '?' placeholders → SOCI's ':pN' names. Text in single quotes, double-quoted identifiers and comments is
// left alone.
std::string RewritePlaceholders(std::string_view sql) {
    std::string out;
    out.reserve(sql.size() + 16);
    int n = 0;
    for (size_t i = 0; i < sql.size(); ++i) {
        char c = sql[i];
        if (c == '\'' || c == '"') {
            size_t end = sql.find(c, i + 1);
            if (end == std::string_view::npos) end = sql.size() - 1;
            out.append(sql.substr(i, end - i + 1));
            i = end;
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            size_t end = sql.find('\n', i);
            if (end == std::string_view::npos) end = sql.size() - 1;
            out.append(sql.substr(i, end - i + 1));
            i = end;
        } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
            size_t end = sql.find("*/", i + 2);
            end = end == std::string_view::npos ? sql.size() - 1 : end + 1;
            out.append(sql.substr(i, end - i + 1));
            i = end;
        } else if (c == '?') {
            out += fmt::format(":p{}", ++n);
        } else {
            out += c;
        }
    }
    return out;
}

// The engine handles behind a session (SOCI's backend classes export no type information, so the backend's
// name decides the cast).
PGconn* PgConn(soci::session& s) {
    auto* be = s.get_backend();
    if (!be || s.get_backend_name() != "postgresql") return nullptr;
    return static_cast<soci::postgresql_session_backend*>(be)->conn_;
}

sqlite3* SqliteConn(soci::session& s) {
    auto* be = s.get_backend();
    if (!be || s.get_backend_name() != "sqlite3") return nullptr;
    return static_cast<soci::sqlite3_session_backend*>(be)->conn_;
}

// What went wrong, as the engine reports it.
struct Failure {
    std::string message;
    std::string sqlstate;     // PostgreSQL
    int sqlite_code = 0;      // SQLite extended result code
    bool connection_lost = false;
};

std::string Trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
    return s;
}

Failure Inspect(const std::exception& ex, soci::session* s, Dialect d) {
    Failure f;
    f.message = Trim(ex.what());
    if (auto* se = dynamic_cast<const soci::soci_error*>(&ex)) f.message = Trim(se->get_error_message());
    if (d == Dialect::kPostgres) {
        if (auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&ex)) {
            f.sqlstate = pg->sqlstate();
            if (f.sqlstate.find_first_not_of(" ") == std::string::npos || f.sqlstate.find('\0') != std::string::npos)
                f.sqlstate.clear();
        }
        PGconn* c = s ? PgConn(*s) : nullptr;
        f.connection_lost = !c || PQstatus(c) != CONNECTION_OK || f.sqlstate.rfind("08", 0) == 0 ||
                            f.sqlstate == "57P01" || f.sqlstate == "57P02" || f.sqlstate == "57P03";
    } else {
        if (auto* sq = dynamic_cast<const soci::sqlite3_soci_error*>(&ex)) f.sqlite_code = sq->result();
        if (sqlite3* c = s ? SqliteConn(*s) : nullptr) {
            int ext = sqlite3_extended_errcode(c);
            if (ext != SQLITE_OK && (f.sqlite_code == 0 || (ext & 0xff) == (f.sqlite_code & 0xff))) f.sqlite_code = ext;
        }
    }
    return f;
}

[[noreturn]] void Throw(const Failure& f, std::string_view sql) {
    const std::string& m = f.message;
    if (f.connection_lost)
        throw Error::Unavailable("lost the connection to the database server; nothing of this operation was "
                                 "saved (" + m + ")");
    const std::string& st = f.sqlstate;
    if (!st.empty()) {
        if (st == "23505") throw Error::Conflict("already exists: " + m);
        if (st == "23503") throw Error::Conflict("refers to something that does not exist, or is still referred to: " + m);
        if (st == "23514") throw Error::InvalidInput("a value breaks a rule of the database: " + m);
        if (st == "40001" || st == "40P01") throw Error::Conflict("a concurrent update got in the way; retry: " + m);
        if (st == "53100") throw Error::Unavailable("the database server's disk is full; nothing was written: " + m);
        if (st == "53200") throw Error::Unavailable("the database server is out of memory: " + m);
        if (st == "53300") throw Error::Unavailable("the database server accepts no more connections: " + m);
        if (st == "57014") throw Error::Unavailable("the database server cancelled the statement (statement_timeout?): " + m);
        if (st == "55P03") throw Error::Unavailable("the database is locked by another operation; retry: " + m);
        if (st.rfind("28", 0) == 0) throw Error::Unavailable("the database server refused the credentials: " + m);
        if (st == "42501") throw Error::Unavailable("the database user lacks a privilege: " + m);
        if (st == "25P02")
            throw Error::Internal("a statement of this transaction failed already; later statements are not run "
                                  "(catch errors outside Store::Read/Write): " + m);
        if (st == "25006") throw Error::Internal("a read cannot change data; use Store::Write: " + m);
        if (st == "42P18")
            throw Error::Internal(fmt::format("the type of a '?' parameter cannot be inferred; write CAST(? AS TEXT) "
                                              "or CAST(? AS BIGINT): {} (in: {})",
                                              m, sql.substr(0, 200)));
    }
    if (f.sqlite_code != 0) {
        switch (f.sqlite_code & 0xff) {
            case SQLITE_CONSTRAINT:
                if (f.sqlite_code == SQLITE_CONSTRAINT_UNIQUE || f.sqlite_code == SQLITE_CONSTRAINT_PRIMARYKEY)
                    throw Error::Conflict("already exists: " + m);
                if (f.sqlite_code == SQLITE_CONSTRAINT_FOREIGNKEY)
                    throw Error::Conflict("refers to something that does not exist, or is still referred to: " + m);
                if (f.sqlite_code == SQLITE_CONSTRAINT_CHECK)
                    throw Error::InvalidInput("a value breaks a rule of the database: " + m);
                break;
            case SQLITE_BUSY:
            case SQLITE_LOCKED:
                throw Error::Unavailable("the database is busy (locked by another writer); retry: " + m);
            case SQLITE_FULL: throw Error::Unavailable("the disk is full; nothing was written: " + m);
            case SQLITE_IOERR:
                throw Error::Unavailable("the database file cannot be written or read (disk full, removed or "
                                         "failing?); nothing was written: " + m);
            case SQLITE_READONLY: throw Error::Unavailable("the database file is not writable: " + m);
            case SQLITE_CORRUPT:
            case SQLITE_NOTADB:
                throw Error::Unavailable("the database file is corrupt or not an isms database: " + m);
            case SQLITE_CANTOPEN: throw Error::Unavailable("the database file cannot be opened: " + m);
            case SQLITE_NOMEM: throw Error::Unavailable("out of memory: " + m);
            default: break;
        }
    }
    throw Error::Internal(fmt::format("database error: {} (in: {})", m, sql.substr(0, 200)));
}

// A connection failure at open: say what the user can do about it.
[[noreturn]] void ThrowConnectFailure(Dialect d, const std::string& describe, const std::string& msg) {
    if (d == Dialect::kSqlite) {
        if (msg.find("file is not a database") != std::string::npos || msg.find("malformed") != std::string::npos)
            throw Error::Unavailable(fmt::format("{} is not a readable isms database (the file is corrupt or of "
                                                 "another kind; nothing was changed): {}",
                                                 describe, Trim(msg)));
        throw Error::Unavailable(fmt::format("cannot open the SQLite database {}: {}", describe, Trim(msg)));
    }
    std::string m = Trim(msg);
    if (m.find("does not exist") != std::string::npos && m.find("database") != std::string::npos)
        throw Error::NotFound(fmt::format("the PostgreSQL database of {} does not exist (create it first, e.g. "
                                          "createdb): {}",
                                          describe, m));
    if (m.find("password authentication failed") != std::string::npos ||
        m.find("no pg_hba.conf entry") != std::string::npos || m.find("role \"") != std::string::npos)
        throw Error::Unavailable(fmt::format("PostgreSQL at {} refused the login: {}", describe, m));
    throw Error::Unavailable(fmt::format("cannot connect to PostgreSQL at {} (is the server running and reachable?): "
                                         "{}",
                                         describe, m));
}

Value GetValue(const soci::row& row, size_t i) {
    if (row.get_indicator(i) == soci::i_null) return Value{};
    switch (row.get_properties(i).get_data_type()) {
        case soci::dt_string:
        case soci::dt_xml:
        case soci::dt_blob: return Value(row.get<std::string>(i));
        case soci::dt_double: return Value(row.get<double>(i));
        case soci::dt_integer: return Value(static_cast<int64_t>(row.get<int>(i)));
        case soci::dt_long_long: return Value(static_cast<int64_t>(row.get<long long>(i)));
        case soci::dt_unsigned_long_long: return Value(static_cast<int64_t>(row.get<unsigned long long>(i)));
        case soci::dt_date: {
            std::tm t = row.get<std::tm>(i);
            return Value(fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday,
                                     t.tm_hour, t.tm_min, t.tm_sec));
        }
    }
    return Value{};
}

Row ToRow(const soci::row& row, std::shared_ptr<const std::vector<std::string>>& names) {
    if (!names) {
        auto n = std::make_shared<std::vector<std::string>>();
        for (size_t i = 0; i < row.size(); ++i) n->push_back(row.get_properties(i).get_name());
        names = std::move(n);
    }
    std::vector<Value> vals;
    vals.reserve(row.size());
    for (size_t i = 0; i < row.size(); ++i) vals.push_back(GetValue(row, i));
    return Row(names, std::move(vals));
}

// Keeps bound values alive for a statement's lifetime.
struct Binder {
    std::deque<std::string> strings;
    std::deque<long long> ints;
    std::deque<double> reals;
    std::deque<soci::indicator> inds;
    void Bind(soci::statement& st, const Params& params) {
        for (size_t i = 0; i < params.size(); ++i) {
            std::string name = fmt::format("p{}", i + 1);
            const Value& v = params[i];
            if (std::holds_alternative<int64_t>(v)) {
                ints.push_back(std::get<int64_t>(v));
                inds.push_back(soci::i_ok);
                st.exchange(soci::use(ints.back(), inds.back(), name));
            } else if (std::holds_alternative<double>(v)) {
                reals.push_back(std::get<double>(v));
                inds.push_back(soci::i_ok);
                st.exchange(soci::use(reals.back(), inds.back(), name));
            } else if (std::holds_alternative<std::string>(v)) {
                strings.push_back(std::get<std::string>(v));
                inds.push_back(soci::i_ok);
                st.exchange(soci::use(strings.back(), inds.back(), name));
            } else {
                strings.emplace_back();
                inds.push_back(soci::i_null);
                st.exchange(soci::use(strings.back(), inds.back(), name));
            }
        }
    }
};

// The connection handed to a Read or Write callback.
class SociDb final : public WriteTx {
public:
    SociDb(soci::session& s, Dialect d, const Context* ctx) : s_(s), dialect_(d), ctx_(ctx) {}

    Dialect dialect() const override { return dialect_; }

    int64_t Exec(std::string_view sql, const Params& params) override {
        if (!ctx_) throw Error::Internal(fmt::format("a read cannot change data; use Store::Write (in: {})", sql.substr(0, 200)));
        return Run(sql, [&] {
            Binder b;
            soci::statement st = Prepare(sql, params, b, nullptr);
            st.execute(true);
            return std::max<int64_t>(0, static_cast<int64_t>(st.get_affected_rows()));
        });
    }

    Rows Query(std::string_view sql, const Params& params) override {
        return Run(sql, [&] {
            Binder b;
            soci::row row;
            soci::statement st = Prepare(sql, params, b, &row);
            st.execute(false);
            Rows out;
            std::shared_ptr<const std::vector<std::string>> names;
            while (st.fetch()) out.push_back(ToRow(row, names));
            return out;
        });
    }

    void QueryEach(std::string_view sql, const Params& params, const std::function<void(const Row&)>& f) override {
        if (dialect_ == Dialect::kSqlite) {
            // SQLite steps through the result row by row anyway.
            Binder b;
            soci::row row;
            auto st = Run(sql, [&] {
                soci::statement s = Prepare(sql, params, b, &row);
                s.execute(false);
                return s;
            });
            std::shared_ptr<const std::vector<std::string>> names;
            for (;;) {
                bool more = Run(sql, [&] { return st.fetch(); });
                if (!more) break;
                f(ToRow(row, names));
            }
            return;
        }
        // PostgreSQL would send the whole result at once: read it through a cursor in batches instead.
        std::string cursor = fmt::format("isms_cursor_{}", ++cursors_);
        std::string declare = fmt::format("DECLARE {} NO SCROLL CURSOR FOR {}", cursor, sql);
        Run(declare, [&] {
            Binder b;
            soci::statement st = Prepare(declare, params, b, nullptr);
            st.execute(true);
            return 0;
        });
        const int kBatch = 2000;
        std::string fetch = fmt::format("FETCH FORWARD {} FROM {}", kBatch, cursor);
        for (;;) {
            Rows rows = Query(fetch, {});
            for (const Row& r : rows) f(r);
            if (static_cast<int>(rows.size()) < kBatch) break;
        }
        Run("CLOSE", [&] {
            s_ << "CLOSE " + cursor;
            return 0;
        });
    }

    const Context& ctx() const override {
        if (!ctx_) throw Error::Internal("change log written outside a write transaction");
        return *ctx_;
    }

    int64_t Log(std::string_view org_id, std::string_view entity, std::string_view entity_id, std::string_view op,
                const Json& before, const Json& after) override {
        ChangeEntry e;
        e.org_id = std::string(org_id);
        e.actor = ctx().actor.empty() ? "system" : ctx().actor;
        e.at = time::NowUtc();
        e.entity = std::string(entity);
        e.entity_id = std::string(entity_id);
        e.op = std::string(op);
        e.before = before;
        e.after = after;
        AppendLogEntry(*this, e);
        return e.seq;
    }

private:
    soci::statement Prepare(std::string_view sql, const Params& params, Binder& b, soci::row* row) {
        soci::statement st(s_);
        if (row) st.exchange(soci::into(*row));
        b.Bind(st, params);
        st.alloc();
        st.prepare(RewritePlaceholders(sql), soci::details::st_one_time_query);
        st.define_and_bind();
        return st;
    }

    // Runs one engine call. The first failure fails the transaction on both engines (PostgreSQL aborts it
    // anyway), so code that swallows an error and goes on is caught on SQLite too.
    template <class F>
    auto Run(std::string_view sql, F&& f) -> decltype(f()) {
        if (!failed_.empty())
            throw Error::Internal(fmt::format("a statement of this transaction failed already ({}); later statements "
                                              "are not run: catch errors outside Store::Read/Write, or avoid the "
                                              "failing statement (e.g. INSERT … ON CONFLICT DO NOTHING)",
                                              failed_));
        try {
            return f();
        } catch (const Error& e) {
            failed_ = e.what();
            throw;
        } catch (const std::exception& ex) {
            Failure fl = Inspect(ex, &s_, dialect_);
            failed_ = fl.message.empty() ? "unknown error" : fl.message;
            Throw(fl, sql);
        }
    }

    soci::session& s_;
    Dialect dialect_;
    const Context* ctx_;
    std::string failed_;
    int cursors_ = 0;
};

// A pool of sessions, opened on demand, never more than `max`. Waiters are served first come, first served: a
// session given back goes to the one that has waited longest (handed over, so that a newcomer cannot take it
// first), and so does the right to open a session when a broken one was closed. Without this, under load some
// requests waited seconds while later ones went ahead (the latency tail of a list endpoint at 128 connections).
class SessionPool {
public:
    using Factory = std::function<std::unique_ptr<soci::session>()>;
    SessionPool(int max, Factory factory) : max_(std::max(1, max)), factory_(std::move(factory)) {}

    std::unique_ptr<soci::session> Acquire(std::chrono::milliseconds wait) {
        std::unique_lock lock(m_);
        if (waiters_.empty() && !idle_.empty()) {
            auto s = std::move(idle_.back());
            idle_.pop_back();
            return s;
        }
        bool may_open = waiters_.empty() && open_ < max_;
        if (!may_open) {
            Waiter w;
            waiters_.push_back(&w);
            if (!w.cv.wait_for(lock, wait, [&] { return w.served; })) {
                waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &w));
                throw Error::Unavailable(fmt::format("all {} database connections stayed busy for {} s; the server "
                                                     "is overloaded or a statement hangs",
                                                     max_, wait.count() / 1000));
            }
            if (w.session) return std::move(w.session);
            // Served with the right to open one (open_ already counts it).
        } else {
            ++open_;
        }
        lock.unlock();
        try {
            return factory_();
        } catch (...) {
            lock.lock();
            --open_;
            ServeNextWithASlot();
            throw;
        }
    }

    // A broken session is closed and forgotten; the next in line may open a fresh one.
    void Release(std::unique_ptr<soci::session> s, bool healthy) {
        std::unique_ptr<soci::session> broken;
        {
            std::lock_guard lock(m_);
            if (healthy && s) {
                if (!waiters_.empty()) {
                    Waiter* w = waiters_.front();
                    waiters_.pop_front();
                    w->session = std::move(s);
                    w->served = true;
                    w->cv.notify_one();
                } else {
                    idle_.push_back(std::move(s));
                }
            } else {
                broken = std::move(s);
                --open_;
                ServeNextWithASlot();
            }
        }
        broken.reset();  // closes a broken session outside the lock
    }

    // Opens a fresh session for a leased one that turned out dead (the count does not change).
    std::unique_ptr<soci::session> Reopen() { return factory_(); }

private:
    struct Waiter {
        std::condition_variable cv;
        std::unique_ptr<soci::session> session;  // handed over; null with `served`: open one
        bool served = false;
    };
    // With m_ held: the first waiter may open a session, if the limit allows.
    void ServeNextWithASlot() {
        if (waiters_.empty() || open_ >= max_) return;
        Waiter* w = waiters_.front();
        waiters_.pop_front();
        ++open_;
        w->served = true;
        w->cv.notify_one();
    }

    std::mutex m_;
    std::deque<Waiter*> waiters_;
    std::vector<std::unique_ptr<soci::session>> idle_;
    int open_ = 0;
    const int max_;
    Factory factory_;
};

// One leased session; given back (or discarded when broken) at scope exit.
class Lease {
public:
    Lease(SessionPool& pool, std::chrono::milliseconds wait) : pool_(pool), s_(pool.Acquire(wait)) {}
    ~Lease() { pool_.Release(std::move(s_), healthy_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    soci::session& operator*() { return *s_; }
    soci::session* get() { return s_.get(); }
    void MarkBroken() { healthy_ = false; }
    // Replaces a dead session with a fresh one. On failure the lease counts as broken.
    void Reopen() {
        s_.reset();
        healthy_ = false;
        s_ = pool_.Reopen();
        healthy_ = true;
    }

private:
    SessionPool& pool_;
    std::unique_ptr<soci::session> s_;
    bool healthy_ = true;
};

class SociStore : public Store {
public:
    SociStore(Dialect d, std::string connect, std::string describe, int pool_size, bool read_only)
        : dialect_(d),
          connect_(std::move(connect)),
          describe_(std::move(describe)),
          read_only_(read_only),
          pool_(pool_size, [this] { return OpenSession(); }) {
        // Open one connection now: a wrong URL, a down server or a file that is not a database fails here.
        Lease l(pool_, kLeaseWait);
        if (d == Dialect::kSqlite) {
            try {
                int n = 0;
                *l << "SELECT count(*) FROM sqlite_master", soci::into(n);
                if (!read_only_) *l << "PRAGMA journal_mode = WAL";
            } catch (const std::exception& ex) {
                l.MarkBroken();
                throw Error::Unavailable(fmt::format("{} is not a readable isms database (the file is corrupt or "
                                                     "of another kind; nothing was changed): {}",
                                                     describe_, Trim(ex.what())));
            }
        }
    }

    Dialect dialect() const override { return dialect_; }
    std::string Describe() const override { return describe_; }
    bool read_only() const override { return read_only_; }

    bool Ping() override {
        try {
            Lease l(pool_, kPingWait);
            Statement(l, "SELECT 1", /*retry_on_dead_connection=*/true);
            return true;
        } catch (...) {
            return false;
        }
    }

    LogHead ChangeLogHead() override {
        Lease l(pool_, kLeaseWait);
        for (int attempt = 0;; ++attempt) {
            try {
                // Autocommit: one implicit read transaction (SQLite) or one round trip (PostgreSQL).
                soci::indicator seq_ind = soci::i_ok, hash_ind = soci::i_ok;
                long long seq = 0;
                std::string hash;
                *l << "SELECT seq, hash FROM change_log_head WHERE id = 1", soci::into(seq, seq_ind),
                    soci::into(hash, hash_ind);
                if (!(*l).got_data()) return {};
                return {static_cast<int64_t>(seq), hash};
            } catch (const std::exception& ex) {
                Failure fl = Inspect(ex, l.get(), dialect_);
                if (fl.connection_lost && attempt == 0) {
                    l.Reopen();
                    continue;
                }
                if (fl.connection_lost) l.MarkBroken();
                Throw(fl, "SELECT seq, hash FROM change_log_head");
            }
        }
    }

    void CopyDatabaseFile(const std::string& path) override;

protected:
    void RunRead(const std::function<void(Db&)>& f) override {
        Lease l(pool_, kLeaseWait);
        Statement(l, dialect_ == Dialect::kSqlite ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", true);
        SociDb db(*l, dialect_, nullptr);
        try {
            f(db);
        } catch (...) {
            Rollback(l);
            throw;
        }
        Rollback(l);  // a read changes nothing; ending it either way is the same
    }

    void RunWrite(const Context& ctx, const std::function<void(WriteTx&)>& f) override {
        if (read_only_)
            throw Error::Unavailable(fmt::format("{} is not writable for this user, so it is open read-only: it can "
                                                 "be read and verified but not changed; nothing was written",
                                                 describe_));
        Lease l(pool_, kLeaseWait);
        if (dialect_ == Dialect::kSqlite) {
            Statement(l, "BEGIN IMMEDIATE", true);
        } else {
            // READ COMMITTED: each statement after the lock sees the previous writer's commit, so the change
            // log's head is always the real one (REPEATABLE READ would have taken its snapshot before the lock).
            Statement(l, "BEGIN ISOLATION LEVEL READ COMMITTED", true);
            try {
                Statement(l, kWriterLock, false);
            } catch (...) {
                Rollback(l);
                throw;
            }
        }
        SociDb db(*l, dialect_, &ctx);
        try {
            f(db);
        } catch (...) {
            Rollback(l);
            throw;
        }
        try {
            *l << "COMMIT";
        } catch (const std::exception& ex) {
            Failure fl = Inspect(ex, l.get(), dialect_);
            Rollback(l);
            if (fl.connection_lost)
                throw Error::Unavailable("lost the connection to the database server while committing: the change "
                                         "may or may not have been saved; reload and check (" + fl.message + ")");
            Throw(fl, "COMMIT");
        }
    }

private:
    std::unique_ptr<soci::session> OpenSession() {
        auto s = std::make_unique<soci::session>();
        try {
            if (dialect_ == Dialect::kSqlite) {
                s->open(soci::sqlite3, connect_);
                *s << "PRAGMA busy_timeout = 10000";
                *s << "PRAGMA foreign_keys = ON";
                *s << "PRAGMA synchronous = FULL";
                // LIKE compares case-sensitively, as on PostgreSQL; case-insensitive search is written
                // LOWER(column) LIKE LOWER(?) on both.
                *s << "PRAGMA case_sensitive_like = ON";
            } else {
                s->open(soci::postgresql, connect_);
                *s << "SET client_min_messages = WARNING";
            }
        } catch (const Error&) {
            throw;
        } catch (const std::exception& ex) {
            ThrowConnectFailure(dialect_, describe_, ex.what());
        }
        return s;
    }

    // Runs a statement outside a callback (BEGIN, the writer lock, SELECT 1). With `retry`, a pooled
    // PostgreSQL connection found dead is replaced once: nothing had been sent on it, so this is safe.
    void Statement(Lease& l, const std::string& sql, bool retry) {
        for (int attempt = 0;; ++attempt) {
            try {
                *l << sql;
                return;
            } catch (const std::exception& ex) {
                Failure fl = Inspect(ex, l.get(), dialect_);
                if (fl.connection_lost && retry && attempt == 0) {
                    l.Reopen();
                    continue;
                }
                if (fl.connection_lost) l.MarkBroken();
                Throw(fl, sql);
            }
        }
    }

    void Rollback(Lease& l) {
        try {
            *l << "ROLLBACK";
        } catch (...) {
            l.MarkBroken();  // a session that cannot end its transaction must not be reused
        }
    }

    Dialect dialect_;
    std::string connect_;
    std::string describe_;
    bool read_only_;
    SessionPool pool_;
};

void SociStore::CopyDatabaseFile(const std::string& path) {
    if (dialect_ != Dialect::kSqlite)
        throw Error::InvalidInput("a database-file copy is only possible for SQLite; PostgreSQL is backed up in the "
                                  "portable format (isms backup --format jsonl)");
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path target(path);
    if (fs::is_directory(target, ec)) throw Error::InvalidInput(fmt::format("'{}' is a folder, not a file", path));
    auto dir = target.parent_path();
    if (!dir.empty() && !fs::is_directory(dir, ec))
        throw Error::Unavailable(fmt::format("cannot write '{}': the folder '{}' does not exist", path, dir.string()));
    std::string tmp = path + ".partial-" + crypto::RandomHex(4);
    Lease l(pool_, kLeaseWait);
    sqlite3* src = SqliteConn(*l);
    sqlite3* dst = nullptr;
    auto fail = [&](const std::string& what) {
        std::string msg = dst ? sqlite3_errmsg(dst) : "cannot open";
        if (dst) sqlite3_close(dst);
        fs::remove(tmp, ec);
        throw Error::Unavailable(fmt::format("cannot write the backup '{}': {}: {}", path, what, msg));
    };
    if (sqlite3_open_v2(tmp.c_str(), &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
        fail("opening the file");
    sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) fail("starting the copy");
    int rc;
    // One step copies everything under one read lock: a consistent snapshot while writers go on (WAL).
    for (int tries = 0;; ++tries) {
        rc = sqlite3_backup_step(b, -1);
        if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && tries < 100) {
            std::this_thread::sleep_for(100ms);
            continue;
        }
        break;
    }
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) fail("copying");
    // A single self-contained file (no -wal beside it), checked before it replaces anything.
    char* err = nullptr;
    if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", nullptr, nullptr, &err) != SQLITE_OK) {
        sqlite3_free(err);
        fail("finishing the copy");
    }
    std::string check;
    sqlite3_exec(
        dst, "PRAGMA quick_check",
        [](void* out, int, char** v, char**) {
            *static_cast<std::string*>(out) += v[0] ? v[0] : "";
            return 0;
        },
        &check, nullptr);
    if (check != "ok") fail("checking the copy (" + check + ")");
    sqlite3_close(dst);
    dst = nullptr;
    // Durable before it is visible under its name.
    if (FILE* fp = std::fopen(tmp.c_str(), "rb")) {
        ::fsync(fileno(fp));
        std::fclose(fp);
    }
    fs::rename(tmp, target, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw Error::Unavailable(fmt::format("cannot write the backup '{}': {}", path, ec.message()));
    }
}

std::string HidePassword(const std::string& url) {
    // postgresql://user:secret@host/db → postgresql://user:***@host/db; ?password=… likewise.
    std::string out = url;
    auto scheme = out.find("://");
    auto at = out.find('@');
    if (scheme != std::string::npos && at != std::string::npos) {
        auto colon = out.find(':', scheme + 3);
        if (colon != std::string::npos && colon < at) out = out.substr(0, colon + 1) + "***" + out.substr(at);
    }
    auto pw = out.find("password=");
    if (pw != std::string::npos && pw > 0 && (out[pw - 1] == '?' || out[pw - 1] == '&')) {
        auto end = out.find('&', pw);
        out = out.substr(0, pw + 9) + "***" + (end == std::string::npos ? "" : out.substr(end));
    }
    return out;
}

}  // namespace

std::unique_ptr<Store> Store::Open(const std::string& url, const OpenOptions& options) {
    if (url.empty()) throw Error::InvalidInput("no database given: use --db FILE, sqlite:FILE or postgresql://…");
    if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
        return std::make_unique<SociStore>(Dialect::kPostgres, PostgresConninfo(url), HidePassword(url),
                                           options.pool_size, options.read_only);
    }
    std::string path = url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
    if (path.find("://") != std::string::npos)
        throw Error::InvalidInput(fmt::format("unsupported database URL '{}': use a file path, sqlite:FILE or "
                                              "postgresql://user@host/dbname",
                                              url));
    if (path.empty()) throw Error::InvalidInput("no database file given after 'sqlite:'");
    namespace fs = std::filesystem;
    std::error_code ec;
    const bool exists = fs::exists(path, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
        throw Error::Unavailable(fmt::format("cannot open '{}': {} (check the permissions of its folders)", path,
                                             ec.message()));
    if (!exists) {
        if (!options.create)
            throw Error::NotFound(fmt::format("no database at '{}' (create one with: isms init --db {})", path, path));
        auto dir = fs::path(path).parent_path();
        if (!dir.empty() && !fs::exists(dir, ec))
            throw Error::Unavailable(fmt::format("cannot create '{}': the folder '{}' does not exist", path,
                                                 dir.string()));
    } else if (fs::is_directory(path, ec)) {
        throw Error::InvalidInput(fmt::format("'{}' is a folder, not a database file", path));
    }
    // A file this user may not write is opened read-only: reading and verifying a backup kept read-only
    // must not fail on setting the journal mode (a write) and be reported as a corrupt file.
    bool read_only = options.read_only || (fs::exists(path, ec) && ::access(path.c_str(), W_OK) != 0);
    if (read_only && fs::exists(path, ec)) {
        // A database in WAL mode is read with a shared-memory file beside it (FILE-shm) that SQLite must be able
        // to create: in a folder this user may not write, say so instead of SQLite's "attempt to write a
        // readonly database".
        auto dir = fs::path(path).parent_path();
        if (dir.empty()) dir = ".";
        char header[20] = {};
        std::ifstream(path, std::ios::binary).read(header, sizeof header);
        const bool wal = header[18] == 2;
        if (wal && ::access(dir.c_str(), W_OK) != 0 && !fs::exists(path + "-shm", ec))
            throw Error::Unavailable(fmt::format(
                "cannot read '{}': it is in SQLite's WAL mode, which needs to create '{}-shm' beside it, and the "
                "folder '{}' is not writable for this user; copy the file to a folder you may write, or read it as "
                "a user who may write the folder",
                path, path, dir.string()));
    }
    std::string connect = fmt::format("db=\"{}\" timeout=10", path);
    if (read_only) connect += " readonly=1";
    return std::make_unique<SociStore>(Dialect::kSqlite, connect, "sqlite:" + path, options.pool_size, read_only);
}

}  // namespace isms::store
