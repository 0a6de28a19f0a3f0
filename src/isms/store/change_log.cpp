#include "isms/store/change_log.hpp"

#include <fmt/format.h>

#include "isms/core/crypto.hpp"

namespace isms::store {

std::string CanonicalEntry(const ChangeEntry& e) {
    Json j = {{"seq", e.seq},       {"org_id", e.org_id}, {"actor", e.actor},         {"at", e.at},
              {"entity", e.entity}, {"entity_id", e.entity_id}, {"op", e.op},       {"before", e.before},
              {"after", e.after},   {"prev_hash", e.prev_hash}};
    return j.dump();
}

std::string EntryHash(const ChangeEntry& e) { return crypto::Sha256Hex(CanonicalEntry(e)); }

namespace {
constexpr std::string_view kColumns =
    "seq, org_id, actor, at, entity, entity_id, op, before_json, after_json, prev_hash, hash";
}  // namespace

std::string_view ChangeLogColumns() { return kColumns; }

ChangeEntry EntryFromRow(const Row& r) {
    ChangeEntry e;
    e.seq = r.Int(0);
    e.org_id = r.Str(1);
    e.actor = r.Str(2);
    e.at = r.Str(3);
    e.entity = r.Str(4);
    e.entity_id = r.Str(5);
    e.op = r.Str(6);
    e.before = r.JsonAt(7);
    e.after = r.JsonAt(8);
    e.prev_hash = r.Str(9);
    e.hash = r.Str(10);
    return e;
}

LogVerification VerifyLog(Store& store) {
    return store.Read([](Db& db) { return VerifyLog(db); });
}

LogVerification VerifyLog(Db& db) {
    LogVerification v;
    [&] {
        std::string prev;
        int64_t expected = 1;
        const int64_t kPage = 5000;
        int64_t after = 0;
        for (;;) {
            Rows rows = db.Query(fmt::format("SELECT {} FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?", kColumns),
                                 {V(after), V(kPage)});
            for (const Row& r : rows) {
                ChangeEntry e;
                try {
                    e = EntryFromRow(r);
                } catch (const std::exception& ex) {
                    v.ok = false;
                    v.first_broken = r.Int(0);
                    v.problem = fmt::format("entry {} cannot be read: {}", r.Int(0), ex.what());
                    return;
                }
                ++v.entries;
                if (e.seq != expected) {
                    v.ok = false;
                    v.first_broken = e.seq;
                    v.problem = fmt::format("sequence gap: expected entry {}, found {} (entries removed)", expected,
                                            e.seq);
                    return;
                }
                if (e.prev_hash != prev) {
                    v.ok = false;
                    v.first_broken = e.seq;
                    v.problem = fmt::format("entry {} does not link to the hash of entry {}", e.seq, e.seq - 1);
                    return;
                }
                if (EntryHash(e) != e.hash) {
                    v.ok = false;
                    v.first_broken = e.seq;
                    v.problem = fmt::format("entry {} ({} {} {}) was altered: its content no longer matches its hash",
                                            e.seq, e.op, e.entity, e.entity_id);
                    return;
                }
                prev = e.hash;
                v.head_seq = e.seq;
                v.head_hash = e.hash;
                ++expected;
                after = e.seq;
            }
            if (static_cast<int64_t>(rows.size()) < kPage) break;
        }
        // The head row is written with every entry; a truncated tail leaves it pointing past the end.
        auto head = db.QueryOne("SELECT seq, hash FROM change_log_head WHERE id = 1");
        int64_t head_seq = head ? head->Int(0) : 0;
        std::string head_hash = head ? head->Str(1) : "";
        if (head_seq != v.head_seq || head_hash != v.head_hash) {
            v.ok = false;
            v.first_broken = v.head_seq + 1;
            v.problem = fmt::format("the chain ends at entry {} but the recorded head is entry {} (entries removed "
                                    "from the end, or the head altered)",
                                    v.head_seq, head_seq);
        }
    }();
    return v;
}

LogHead ReadLogHead(Db& db) {
    auto head = db.QueryOne("SELECT seq, hash FROM change_log_head WHERE id = 1");
    return head ? LogHead{head->Int(0), head->Str(1)} : LogHead{};
}

void AppendLogEntry(Db& db, ChangeEntry& e) {
    auto head = db.QueryOne("SELECT seq, hash FROM change_log_head WHERE id = 1", {});
    e.seq = (head ? head->Int(0) : 0) + 1;
    e.prev_hash = head ? head->Str(1) : "";
    e.hash = EntryHash(e);
    db.Exec("INSERT INTO change_log (seq, org_id, actor, at, entity, entity_id, op, before_json, after_json, "
            "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {V(e.seq), V(e.org_id), V(e.actor), V(e.at), V(e.entity), V(e.entity_id), V(e.op),
             e.before.is_null() ? Null() : V(e.before.dump()), e.after.is_null() ? Null() : V(e.after.dump()),
             V(e.prev_hash), V(e.hash)});
    if (head) {
        db.Exec("UPDATE change_log_head SET seq = ?, hash = ? WHERE id = 1", {V(e.seq), V(e.hash)});
    } else {
        db.Exec("INSERT INTO change_log_head (id, seq, hash) VALUES (1, ?, ?)", {V(e.seq), V(e.hash)});
    }
}

std::vector<ChangeEntry> ReadLog(Db& db, const LogQuery& q) {
    std::string sql = fmt::format("SELECT {} FROM change_log WHERE org_id = ? AND seq > ?", kColumns);
    Params p{V(q.org_id), V(q.after_seq)};
    if (!q.entity.empty()) {
        sql += " AND entity = ?";
        p.push_back(V(q.entity));
    }
    if (!q.entity_id.empty()) {
        sql += " AND entity_id = ?";
        p.push_back(V(q.entity_id));
    }
    if (q.before_seq > 0) {
        sql += " AND seq < ?";
        p.push_back(V(q.before_seq));
    }
    if (!q.condition.empty()) {
        sql += " AND (" + q.condition + ")";
        p.insert(p.end(), q.condition_params.begin(), q.condition_params.end());
    }
    sql += q.newest_first ? " ORDER BY seq DESC LIMIT ?" : " ORDER BY seq LIMIT ?";
    p.push_back(V(static_cast<int64_t>(q.limit)));
    std::vector<ChangeEntry> out;
    for (const Row& r : db.Query(sql, p)) out.push_back(EntryFromRow(r));
    return out;
}

}  // namespace isms::store
