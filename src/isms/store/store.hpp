// The Store: the only place that talks SQL to a database engine (SQLite or PostgreSQL through SOCI).
//
// Domain modules hand it portable SQL with '?' placeholders and get rows of plain values back; they never
// see SOCI or an engine's headers. Dialect differences (transaction start, locking, DDL tokens in
// migrations, LIKE, error codes) stay in this module; migrations/README.md lists the portable subset.
//
// Writes: Store::Write runs a callback inside one transaction. Every change a callback makes must be
// recorded with WriteTx::Log, which appends to the hash-chained change log in the same transaction
// (isms/store/change_log.hpp): either the change and its log entry are both committed, or neither.
// Writers are serialised (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock taken
// first, in READ COMMITTED, so every writer sees the previous writer's commit), so the chain has one order
// even with several processes on one database. Reads see one consistent snapshot (SQLite: a read
// transaction; PostgreSQL: REPEATABLE READ READ ONLY).
//
// One failed statement fails its transaction, on both engines (PostgreSQL's rule): later statements of the
// same Read/Write callback throw kInternal. Write "insert or ignore" as INSERT … ON CONFLICT DO NOTHING
// instead of catching a conflict and going on. Db::Exec inside Read throws kInternal (reads cannot write).
//
// Errors: engine failures are translated into isms::Error by SQLSTATE (PostgreSQL) and result code
// (SQLite): unique/foreign-key violations → kConflict; unreachable server, lost connection, busy/locked
// database, full disk, unwritable or corrupt file → kUnavailable (the message says which); a database that
// does not exist → kNotFound; anything else → kInternal (with the engine's message and the statement).
//
// Connections: pooled, opened on demand (the first one at Open, so a wrong URL fails there). A pooled
// PostgreSQL connection whose server went away (restart, failover, idle kill) is replaced at the start of
// the next Read/Write: nothing had been sent, so one retry on a fresh connection is safe. A connection lost
// in the middle of a transaction is not retried: the operation fails with kUnavailable (for COMMIT the
// message says the outcome is unknown).
//
// Thread-safety: a Store may be shared by threads; each Read/Write leases its own connection from the pool.
// Db/WriteTx objects are valid only inside their callback and on that thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "isms/core/context.hpp"
#include "isms/core/json.hpp"

namespace isms::store {

enum class Dialect { kSqlite, kPostgres };

// A SQL value: NULL, integer, real or text.
using Value = std::variant<std::monostate, int64_t, double, std::string>;
using Params = std::vector<Value>;

// One result row. Column access by index or by name; text accessors give "" for NULL.
class Row {
public:
    Row(std::shared_ptr<const std::vector<std::string>> names, std::vector<Value> values)
        : names_(std::move(names)), values_(std::move(values)) {}
    size_t size() const { return values_.size(); }
    const Value& operator[](size_t i) const { return values_.at(i); }
    const Value& at(std::string_view column) const;
    bool IsNull(size_t i) const { return std::holds_alternative<std::monostate>(values_.at(i)); }
    std::string Str(size_t i) const;
    std::string Str(std::string_view column) const;
    std::optional<std::string> OptStr(size_t i) const;
    int64_t Int(size_t i) const;  // text holding digits is converted; NULL → 0
    int64_t Int(std::string_view column) const;
    double Real(size_t i) const;
    Json JsonAt(size_t i) const;  // parses a JSON text column; NULL → null
    const std::vector<std::string>& names() const { return *names_; }

private:
    size_t Index(std::string_view column) const;
    std::shared_ptr<const std::vector<std::string>> names_;
    std::vector<Value> values_;
};
using Rows = std::vector<Row>;

// A connection inside Read or Write.
class Db {
public:
    virtual ~Db() = default;
    virtual Dialect dialect() const = 0;
    // Runs a statement; returns the number of rows it changed (0 for DDL).
    virtual int64_t Exec(std::string_view sql, const Params& params = {}) = 0;
    virtual Rows Query(std::string_view sql, const Params& params = {}) = 0;
    // Streams the rows of a query one at a time, without holding the whole result in memory (PostgreSQL:
    // a server-side cursor read in batches). `f` may throw; the stream then stops and the error propagates.
    virtual void QueryEach(std::string_view sql, const Params& params, const std::function<void(const Row&)>& f) = 0;
    std::optional<Row> QueryOne(std::string_view sql, const Params& params = {});
};

// One change-log entry as written by WriteTx::Log and read back by ChangeLog.
struct ChangeEntry {
    int64_t seq = 0;
    std::string org_id;
    std::string actor;
    std::string at;  // RFC 3339 UTC
    std::string entity;
    std::string entity_id;
    std::string op;  // "create", "update", "delete", "transition", "login", …
    Json before;     // null when the entity did not exist
    Json after;      // null when the entity no longer exists
    std::string prev_hash;
    std::string hash;
};

// A connection inside Write: a transaction plus the change log.
class WriteTx : public Db {
public:
    virtual const Context& ctx() const = 0;
    // Appends one entry (actor and time from the context and the clock). Returns its sequence number.
    virtual int64_t Log(std::string_view org_id, std::string_view entity, std::string_view entity_id,
                        std::string_view op, const Json& before, const Json& after) = 0;
};

// The change log's head: sequence number and hash of its last entry (0 and "" while the log is empty). Every
// logged change moves it, and the hash chain makes the pair name one state of everything the change log covers;
// caches derived from logged data compare it to stay correct across processes sharing the database
// (auth/principal_cache.hpp).
struct LogHead {
    int64_t seq = 0;
    std::string hash;
    friend bool operator==(const LogHead&, const LogHead&) = default;
};
// The head as seen by an open Read or Write (in its snapshot).
LogHead ReadLogHead(Db& db);

struct OpenOptions {
    bool create = false;   // create a missing SQLite file (otherwise a missing file is kNotFound)
    int pool_size = 8;     // connections kept open
    // Open for reading only. A SQLite file this process may not write (a backup kept read-only, a copy owned
    // by another user) is opened read-only anyway: it can be read and verified, and every write is refused
    // with kUnavailable saying so, instead of failing at open.
    bool read_only = false;
};

struct Migration {
    int version = 0;
    std::string name;
    std::string sql;  // portable SQL; see migrations/README.md for the dialect tokens
};

class Store {
public:
    virtual ~Store() = default;

    // Opens a store from a URL: "postgresql://…" or "postgres://…" selects PostgreSQL; "sqlite:PATH" or a
    // plain PATH selects SQLite. Throws kNotFound (missing file), kUnavailable (cannot connect or open),
    // kInvalidInput (malformed URL).
    static std::unique_ptr<Store> Open(const std::string& url, const OpenOptions& options = {});

    virtual Dialect dialect() const = 0;
    virtual std::string Describe() const = 0;  // "sqlite:/path/isms.db" or the URL without password
    // True when the store was opened read-only (asked for, or a SQLite file this process may not write).
    virtual bool read_only() const = 0;

    // Schema version of the database (0 for an empty one) and of this binary.
    int SchemaVersion();
    static int BinarySchemaVersion();
    // Every migration this binary carries, in order.
    static const std::vector<Migration>& Migrations();
    // Applies every embedded migration newer than the database, each in its own transaction.
    // Throws kConflict when the database is newer than this binary.
    void Migrate();
    // Throws kUnavailable/kConflict unless the schema is exactly this binary's (used by serve and commands).
    void RequireCurrentSchema();

    template <class F>
    auto Read(F&& f) -> std::invoke_result_t<F, Db&> {
        using R = std::invoke_result_t<F, Db&>;
        if constexpr (std::is_void_v<R>) {
            RunRead([&](Db& db) { f(db); });
        } else {
            std::optional<R> out;
            RunRead([&](Db& db) { out.emplace(f(db)); });
            return std::move(*out);
        }
    }

    template <class F>
    auto Write(const Context& ctx, F&& f) -> std::invoke_result_t<F, WriteTx&> {
        using R = std::invoke_result_t<F, WriteTx&>;
        if constexpr (std::is_void_v<R>) {
            RunWrite(ctx, [&](WriteTx& tx) { f(tx); });
        } else {
            std::optional<R> out;
            RunWrite(ctx, [&](WriteTx& tx) { out.emplace(f(tx)); });
            return std::move(*out);
        }
    }

    // Quick reachability check for /health: true when a trivial query succeeds within about two seconds
    // (a down server is reported at once, an unreachable one after the connect timeout).
    virtual bool Ping() = 0;

    // The change log's head now: one statement outside a transaction (cheaper than Read; a committed write of
    // any process is visible to the next call).
    virtual LogHead ChangeLogHead() = 0;

    // SQLite only: writes a consistent copy of the live database to `path` with SQLite's online backup API
    // (writers may go on meanwhile). The copy is complete or absent: it is written beside `path`, checked
    // (quick_check), synced and renamed into place. Throws kInvalidInput on PostgreSQL, kUnavailable when
    // the file cannot be written.
    virtual void CopyDatabaseFile(const std::string& path) = 0;

protected:
    virtual void RunRead(const std::function<void(Db&)>& f) = 0;
    virtual void RunWrite(const Context& ctx, const std::function<void(WriteTx&)>& f) = 0;
};

// Helpers to build Params from C++ values.
inline Value V(std::string s) { return Value(std::move(s)); }
inline Value V(const char* s) { return Value(std::string(s)); }
inline Value V(std::string_view s) { return Value(std::string(s)); }
inline Value V(int64_t i) { return Value(i); }
inline Value V(int i) { return Value(static_cast<int64_t>(i)); }
inline Value V(double d) { return Value(d); }
inline Value V(bool b) { return Value(static_cast<int64_t>(b ? 1 : 0)); }
inline Value Null() { return Value(std::monostate{}); }
inline Value V(const std::optional<std::string>& s) { return s ? Value(*s) : Null(); }

}  // namespace isms::store
