// SOCI implementation of the Store for the sqlite3 and postgresql backends.
#include <fmt/format.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <deque>
#include <filesystem>
#include <mutex>

#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/store/change_log.hpp"
#include "isms/store/pg_url.hpp"
#include "isms/store/store.hpp"

namespace isms::store {

namespace {

// '?' placeholders → SOCI's ':pN' names. Text inside single quotes is left alone.
std::string RewritePlaceholders(std::string_view sql) {
    std::string out;
    out.reserve(sql.size() + 16);
    int n = 0;
    bool quoted = false;
    for (char c : sql) {
        if (c == '\'') quoted = !quoted;
        if (c == '?' && !quoted) {
            out += fmt::format(":p{}", ++n);
        } else {
            out += c;
        }
    }
    return out;
}

[[noreturn]] void Translate(const std::exception& ex, std::string_view sql) {
    std::string msg = ex.what();
    if (auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&ex)) {
        std::string state = pg->sqlstate();
        if (state == "23505") throw Error::Conflict("already exists: " + msg);
        if (state == "23503") throw Error::Conflict("refers to something that does not exist, or is still referred to: " + msg);
        if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P03")
            throw Error::Unavailable("the database server is not reachable: " + msg);
        if (state == "53100") throw Error::Unavailable("the database server's disk is full: " + msg);
        if (state == "40001" || state == "40P01") throw Error::Conflict("concurrent update, please retry: " + msg);
    }
    if (msg.find("UNIQUE constraint failed") != std::string::npos) throw Error::Conflict("already exists: " + msg);
    if (msg.find("FOREIGN KEY constraint failed") != std::string::npos)
        throw Error::Conflict("refers to something that does not exist, or is still referred to: " + msg);
    if (msg.find("database is locked") != std::string::npos || msg.find("database is busy") != std::string::npos)
        throw Error::Unavailable("the database is busy (locked by another writer); retry: " + msg);
    if (msg.find("disk is full") != std::string::npos || msg.find("database or disk is full") != std::string::npos)
        throw Error::Unavailable("the disk is full; nothing was written: " + msg);
    if (msg.find("readonly database") != std::string::npos || msg.find("read-only") != std::string::npos)
        throw Error::Unavailable("the database file is not writable: " + msg);
    if (msg.find("file is not a database") != std::string::npos || msg.find("malformed") != std::string::npos)
        throw Error::Unavailable("the database file is corrupt or not an isms database: " + msg);
    if (msg.find("server closed the connection") != std::string::npos || msg.find("no connection") != std::string::npos)
        throw Error::Unavailable("the database server is not reachable: " + msg);
    throw Error::Internal(fmt::format("database error: {} (in: {})", msg, sql.substr(0, 200)));
}

class SociDb : public WriteTx {
public:
    SociDb(soci::session& s, Dialect d, const Context* ctx) : s_(s), dialect_(d), ctx_(ctx) {}

    Dialect dialect() const override { return dialect_; }

    int64_t Exec(std::string_view sql, const Params& params) override {
        try {
            std::string q = RewritePlaceholders(sql);
            Binder b;
            soci::details::prepare_temp_type pt = (s_.prepare << q);
            b.Bind(pt, params);
            soci::statement st(pt);
            st.execute(true);
            return static_cast<int64_t>(st.get_affected_rows());
        } catch (const Error&) {
            throw;
        } catch (const std::exception& ex) {
            Translate(ex, sql);
        }
    }

    Rows Query(std::string_view sql, const Params& params) override {
        try {
            std::string q = RewritePlaceholders(sql);
            Binder b;
            soci::row row;
            soci::details::prepare_temp_type pt = (s_.prepare << q);
            b.Bind(pt, params);
            pt, soci::into(row);
            soci::statement st(pt);
            st.execute(false);
            Rows out;
            std::shared_ptr<std::vector<std::string>> names;
            while (st.fetch()) {
                if (!names) {
                    names = std::make_shared<std::vector<std::string>>();
                    for (size_t i = 0; i < row.size(); ++i) names->push_back(row.get_properties(i).get_name());
                }
                std::vector<Value> vals;
                vals.reserve(row.size());
                for (size_t i = 0; i < row.size(); ++i) vals.push_back(Get(row, i));
                out.emplace_back(names, std::move(vals));
            }
            return out;
        } catch (const Error&) {
            throw;
        } catch (const std::exception& ex) {
            Translate(ex, sql);
        }
    }

    const Context& ctx() const override {
        if (!ctx_) throw Error::Internal("change log written outside a write transaction");
        return *ctx_;
    }

    int64_t Log(std::string_view org_id, std::string_view entity, std::string_view entity_id, std::string_view op,
                const Json& before, const Json& after) override {
        ChangeEntry e;
        auto head = QueryOne("SELECT seq, hash FROM change_log_head WHERE id = 1", {});
        e.seq = (head ? head->Int(0) : 0) + 1;
        e.prev_hash = head ? head->Str(1) : "";
        e.org_id = std::string(org_id);
        e.actor = ctx().actor.empty() ? "system" : ctx().actor;
        e.at = time::NowUtc();
        e.entity = std::string(entity);
        e.entity_id = std::string(entity_id);
        e.op = std::string(op);
        e.before = before;
        e.after = after;
        e.hash = EntryHash(e);
        Exec("INSERT INTO change_log (seq, org_id, actor, at, entity, entity_id, op, before_json, after_json, "
             "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
             {V(e.seq), V(e.org_id), V(e.actor), V(e.at), V(e.entity), V(e.entity_id), V(e.op),
              before.is_null() ? Null() : V(before.dump()), after.is_null() ? Null() : V(after.dump()),
              V(e.prev_hash), V(e.hash)});
        if (head) {
            Exec("UPDATE change_log_head SET seq = ?, hash = ? WHERE id = 1", {V(e.seq), V(e.hash)});
        } else {
            Exec("INSERT INTO change_log_head (id, seq, hash) VALUES (1, ?, ?)", {V(e.seq), V(e.hash)});
        }
        return e.seq;
    }

private:
    // Keeps bound values alive for the statement's lifetime.
    struct Binder {
        std::deque<std::string> strings;
        std::deque<long long> ints;
        std::deque<double> reals;
        std::deque<soci::indicator> inds;
        void Bind(soci::details::prepare_temp_type& pt, const Params& params) {
            for (size_t i = 0; i < params.size(); ++i) {
                std::string name = fmt::format("p{}", i + 1);
                const Value& v = params[i];
                if (std::holds_alternative<int64_t>(v)) {
                    ints.push_back(std::get<int64_t>(v));
                    inds.push_back(soci::i_ok);
                    pt, soci::use(ints.back(), inds.back(), name);
                } else if (std::holds_alternative<double>(v)) {
                    reals.push_back(std::get<double>(v));
                    inds.push_back(soci::i_ok);
                    pt, soci::use(reals.back(), inds.back(), name);
                } else if (std::holds_alternative<std::string>(v)) {
                    strings.push_back(std::get<std::string>(v));
                    inds.push_back(soci::i_ok);
                    pt, soci::use(strings.back(), inds.back(), name);
                } else {
                    strings.emplace_back();
                    inds.push_back(soci::i_null);
                    pt, soci::use(strings.back(), inds.back(), name);
                }
            }
        }
    };

    static Value Get(const soci::row& row, size_t i) {
        if (row.get_indicator(i) == soci::i_null) return Value{};
        switch (row.get_properties(i).get_data_type()) {
            case soci::dt_string:
            case soci::dt_xml:
            case soci::dt_blob: return Value(row.get<std::string>(i));
            case soci::dt_double: return Value(row.get<double>(i));
            case soci::dt_integer: return Value(static_cast<int64_t>(row.get<int>(i)));
            case soci::dt_long_long: return Value(static_cast<int64_t>(row.get<long long>(i)));
            case soci::dt_unsigned_long_long:
                return Value(static_cast<int64_t>(row.get<unsigned long long>(i)));
            case soci::dt_date: {
                std::tm t = row.get<std::tm>(i);
                return Value(fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", t.tm_year + 1900, t.tm_mon + 1,
                                         t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec));
            }
        }
        return Value{};
    }

    soci::session& s_;
    Dialect dialect_;
    const Context* ctx_;
};

class SociStore : public Store {
public:
    SociStore(Dialect d, std::string connect, std::string describe, int pool_size)
        : dialect_(d), describe_(std::move(describe)), pool_(pool_size), size_(pool_size) {
        for (int i = 0; i < size_; ++i) {
            soci::session& s = pool_.at(i);
            try {
                if (d == Dialect::kSqlite) {
                    s.open(soci::sqlite3, connect);
                    s << "PRAGMA busy_timeout = 10000";
                    s << "PRAGMA foreign_keys = ON";
                    if (i == 0) s << "PRAGMA journal_mode = WAL";
                    s << "PRAGMA synchronous = FULL";
                } else {
                    s.open(soci::postgresql, connect);
                    s << "SET client_min_messages = WARNING";
                }
            } catch (const std::exception& ex) {
                std::string msg = ex.what();
                if (d == Dialect::kSqlite && (msg.find("file is not a database") != std::string::npos ||
                                              msg.find("malformed") != std::string::npos))
                    throw Error::Unavailable(fmt::format("{} is not a readable isms database (the file is corrupt or "
                                                         "of another kind; nothing was changed): {}",
                                                         describe_, msg));
                if (d == Dialect::kSqlite)
                    throw Error::Unavailable(fmt::format("cannot open the SQLite database {}: {}", describe_, msg));
                throw Error::Unavailable(fmt::format("cannot connect to PostgreSQL at {}: {}", describe_, msg));
            }
        }
        if (d == Dialect::kSqlite) {
            // A file that is not a database fails on the first real read; check now for a clear message.
            try {
                soci::session& s = pool_.at(0);
                int n = 0;
                s << "SELECT count(*) FROM sqlite_master", soci::into(n);
            } catch (const std::exception& ex) {
                throw Error::Unavailable(fmt::format("{} is not a readable isms database (the file is corrupt or "
                                                     "of another kind; nothing was changed): {}",
                                                     describe_, ex.what()));
            }
        }
    }

    Dialect dialect() const override { return dialect_; }
    std::string Describe() const override { return describe_; }

    bool Ping() override {
        try {
            Read([](Db& db) { db.Query("SELECT 1"); });
            return true;
        } catch (...) {
            return false;
        }
    }

protected:
    void RunRead(const std::function<void(Db&)>& f) override {
        soci::session s(pool_);
        SociDb db(s, dialect_, nullptr);
        if (dialect_ == Dialect::kSqlite) {
            // A read transaction gives a consistent snapshot across the callback's queries.
            Begin(s, "BEGIN");
            try {
                f(db);
            } catch (...) {
                Rollback(s);
                throw;
            }
            Rollback(s);
        } else {
            Begin(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
            try {
                f(db);
            } catch (...) {
                Rollback(s);
                throw;
            }
            Rollback(s);
        }
    }

    void RunWrite(const Context& ctx, const std::function<void(WriteTx&)>& f) override {
        soci::session s(pool_);
        SociDb db(s, dialect_, &ctx);
        if (dialect_ == Dialect::kSqlite) {
            Begin(s, "BEGIN IMMEDIATE");
        } else {
            Begin(s, "BEGIN");
            // One writer at a time keeps the change log one chain.
            try {
                s << "SELECT pg_advisory_xact_lock(727001)";
            } catch (const std::exception& ex) {
                Rollback(s);
                Translate(ex, "advisory lock");
            }
        }
        try {
            f(db);
        } catch (...) {
            Rollback(s);
            throw;
        }
        try {
            s << "COMMIT";
        } catch (const std::exception& ex) {
            Rollback(s);
            Translate(ex, "COMMIT");
        }
    }

private:
    void Begin(soci::session& s, const char* sql) {
        try {
            s << sql;
        } catch (const std::exception& ex) {
            Translate(ex, sql);
        }
    }
    static void Rollback(soci::session& s) {
        try {
            s << "ROLLBACK";
        } catch (...) {
        }
    }

    Dialect dialect_;
    std::string describe_;
    soci::connection_pool pool_;
    int size_;
};

std::string HidePassword(const std::string& url) {
    // postgresql://user:secret@host/db → postgresql://user:***@host/db
    auto scheme = url.find("://");
    auto at = url.find('@');
    if (scheme == std::string::npos || at == std::string::npos) return url;
    auto colon = url.find(':', scheme + 3);
    if (colon == std::string::npos || colon > at) return url;
    return url.substr(0, colon + 1) + "***" + url.substr(at);
}

}  // namespace

std::unique_ptr<Store> Store::Open(const std::string& url, const OpenOptions& options) {
    if (url.empty()) throw Error::InvalidInput("no database given: use --db FILE, sqlite:FILE or postgresql://…");
    if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
        return std::make_unique<SociStore>(Dialect::kPostgres, PostgresConninfo(url), HidePassword(url),
                                           options.pool_size);
    }
    std::string path = url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url;
    if (path.find("://") != std::string::npos)
        throw Error::InvalidInput(fmt::format("unsupported database URL '{}': use a file path, sqlite:FILE or "
                                              "postgresql://user@host/dbname",
                                              url));
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        if (!options.create)
            throw Error::NotFound(fmt::format("no database at '{}' (create one with: isms init --db {})", path, path));
        auto dir = fs::path(path).parent_path();
        if (!dir.empty() && !fs::exists(dir, ec))
            throw Error::Unavailable(fmt::format("cannot create '{}': the folder '{}' does not exist", path,
                                                 dir.string()));
    } else if (fs::is_directory(path, ec)) {
        throw Error::InvalidInput(fmt::format("'{}' is a folder, not a database file", path));
    }
    std::string connect = fmt::format("db={} timeout=10", path);
    if (options.read_only) connect += " readonly=1";
    return std::make_unique<SociStore>(Dialect::kSqlite, connect, "sqlite:" + path, options.pool_size);
}

}  // namespace isms::store
