// Import, export, history and due reviews of records.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "isms/core/error.hpp"
#include "isms/core/nesting.hpp"
#include "isms/core/time.hpp"
#include "isms/io/csv.hpp"
#include "isms/io/table.hpp"
#include "isms/records/engine.hpp"
#include "isms/records/values.hpp"
#include "isms/store/change_log.hpp"

namespace isms::records {

using store::V;
using namespace engine;

namespace {

// One row of an import: which record, which state, which field values.
struct ImportRow {
    int line = 0;
    std::string id;
    std::optional<std::string> state;
    Json patch = Json::object();  // field → value; null clears the field
};

// Lines where the elements of a top-level JSON array start (1-based), so problems can name them.
std::vector<int> ElementLines(std::string_view text) {
    std::vector<int> lines;
    int line = 1, depth = 0;
    bool in_string = false, escape = false, expect_element = false;
    for (char c : text) {
        if (c == '\n') ++line;
        if (in_string) {
            if (escape) {
                escape = false;
            } else if (c == '\\') {
                escape = true;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (std::isspace(static_cast<unsigned char>(c))) continue;
        if (depth == 1 && expect_element && c != ']') {
            lines.push_back(line);
            expect_element = false;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth == 1 && c == '[') expect_element = true;
        } else if (c == ']' || c == '}') {
            --depth;
        } else if (c == ',' && depth == 1) {
            expect_element = true;
        }
    }
    return lines;
}

// Undoes the formula guard of io::CsvField ("'=SUM(…)" was exported from "=SUM(…)").
std::string Unguard(const std::string& cell) {
    if (cell.size() >= 2 && cell[0] == '\'' &&
        (cell[1] == '=' || cell[1] == '+' || cell[1] == '-' || cell[1] == '@'))
        return cell.substr(1);
    return cell;
}

std::vector<ImportRow> ReadCsvRows(const RecordType& t, std::string_view text, std::vector<ErrorDetail>& problems) {
    io::CsvDocument doc = io::ParseCsv(text);
    std::vector<const FieldDef*> columns;
    int id_col = -1, state_col = -1;
    auto allowed = t.FieldNames();
    allowed.insert(allowed.begin(), {"id", "state"});
    for (size_t c = 0; c < doc.header.size(); ++c) {
        const std::string& h = doc.header[c];
        columns.push_back(t.Field(h));
        if (h == "id") {
            id_col = static_cast<int>(c);
        } else if (h == "state") {
            state_col = static_cast<int>(c);
        } else if (!t.Field(h)) {
            problems.push_back({h, fmt::format("unknown column '{}': not a field of {}", h, t.name), allowed, 1,
                                static_cast<int>(c) + 1});
        }
    }
    std::vector<ImportRow> rows;
    for (const auto& rec : doc.records) {
        ImportRow row;
        row.line = rec.line;
        for (size_t c = 0; c < rec.fields.size() && c < columns.size(); ++c) {
            std::string cell = Unguard(rec.fields[c]);
            if (static_cast<int>(c) == id_col) {
                row.id = cell;
            } else if (static_cast<int>(c) == state_col) {
                if (!cell.empty()) row.state = cell;
            } else if (columns[c]) {
                std::vector<ErrorDetail> ps;
                row.patch[columns[c]->name] = ValueFromText(*columns[c], cell, ps);
                for (auto& p : ps) {
                    p.line = rec.line;
                    p.column = static_cast<int>(c) + 1;
                    problems.push_back(std::move(p));
                }
            }
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

std::vector<ImportRow> ReadJsonRows(std::string_view text, std::vector<ErrorDetail>& problems) {
    Json doc = ParseUserJson(text, "the file");
    if (doc.is_object() && doc.contains("items")) doc = doc["items"];  // a saved API page
    if (!doc.is_array()) throw Error::InvalidInput("a JSON import must be an array of records");
    auto lines = ElementLines(text);
    std::vector<ImportRow> rows;
    for (size_t i = 0; i < doc.size(); ++i) {
        ImportRow row;
        row.line = i < lines.size() ? lines[i] : 0;
        const Json& item = doc[i];
        if (!item.is_object()) {
            problems.push_back({fmt::format("[{}]", i), "each record must be an object", {}, row.line});
            continue;
        }
        if (item.contains("id")) {
            if (item["id"].is_string()) {
                row.id = item["id"].get<std::string>();
            } else {
                problems.push_back({"id", "must be text", {}, row.line});
            }
        }
        if (item.contains("state") && !item["state"].is_null()) {
            if (item["state"].is_string()) {
                row.state = item["state"].get<std::string>();
            } else {
                problems.push_back({"state", "must be text", {}, row.line});
            }
        }
        if (item.contains("data")) {
            // The export format: {id, state, data: {…}, version, …}; only data and state are imported.
            if (item["data"].is_object()) {
                row.patch = item["data"];
            } else {
                problems.push_back({"data", "must be an object of fields", {}, row.line});
            }
        } else {
            for (auto it = item.begin(); it != item.end(); ++it)
                if (it.key() != "id" && it.key() != "state") row.patch[it.key()] = it.value();
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

std::vector<FieldChange> Diff(const Json& before, const Json& after) {
    std::vector<FieldChange> out;
    auto get = [](const Json& j, const char* k) { return j.is_object() && j.contains(k) ? j.at(k) : Json(nullptr); };
    for (const char* k : {"state", "revision", "archived"}) {
        Json b = get(before, k), a = get(after, k);
        if (b != a && !(before.is_null() && (std::string(k) == "revision" || std::string(k) == "archived")))
            out.push_back({k, b, a});
    }
    Json bd = get(before, "data"), ad = get(after, "data");
    if (!bd.is_object()) bd = Json::object();
    if (!ad.is_object()) ad = Json::object();
    std::set<std::string> keys;
    for (auto it = bd.begin(); it != bd.end(); ++it) keys.insert(it.key());
    for (auto it = ad.begin(); it != ad.end(); ++it) keys.insert(it.key());
    for (const auto& k : keys) {
        Json b = bd.contains(k) ? bd[k] : Json(nullptr);
        Json a = ad.contains(k) ? ad[k] : Json(nullptr);
        if (b != a) out.push_back({k, b, a});
    }
    return out;
}

}  // namespace

DataFormat ParseDataFormat(std::string_view s) {
    if (s == "csv") return DataFormat::kCsv;
    if (s == "json") return DataFormat::kJson;
    throw Error::InvalidInput(fmt::format("unknown data format '{}'", s), {{"format", "unknown", {"csv", "json"}}});
}

namespace {

// `forbidden`: every problem is a transition the caller may not make (its role, permission or the person the
// record names), not a fault of the file: refused as forbidden (403, exit 6) with the same rows.
[[noreturn]] void RefuseImport(std::vector<ErrorDetail> problems, size_t rows, bool forbidden = false) {
    std::stable_sort(problems.begin(), problems.end(),
                     [](const ErrorDetail& a, const ErrorDetail& b) { return a.line < b.line; });
    std::set<int> bad_lines;
    for (const auto& p : problems) bad_lines.insert(p.line);
    std::string what = fmt::format("nothing was imported: {} of {} rows have problems", bad_lines.size(), rows);
    if (forbidden) throw Error(ErrorCode::kForbidden, Summarise(what, problems), std::move(problems));
    ThrowProblems(what, problems, false);
}

// Checks, without writing, that `ctx` may walk `path` from the row's start state with the row's final `data`:
// each transition's roles or permission, and the fields it requires (approval stamps set on the way count).
void CheckPath(store::Db& db, const Context& ctx, const RecordType& t, const std::string& id,
               const std::vector<const Transition*>& path, Json data, const std::string& target, int line,
               const AccountRoleLookup& role_of, std::vector<ErrorDetail>& problems, size_t& refusals) {
    for (const Transition* tr : path) {
        std::string step =
            path.size() > 1 || tr->to != target ? fmt::format(" (on the way to '{}')", target) : std::string();
        for (std::string why : {TransitionRefusal(ctx, t, *tr), TransitionActorRefusal(db, ctx, t, id, data, *tr, role_of)})
            if (!why.empty()) {
                problems.push_back(
                    {"state", fmt::format("'{}' is reached by the transition '{}'{}: {}", target, tr->name, step, why),
                     {}, line});
                ++refusals;
            }
        for (auto& m : MissingForTransition(*tr, data)) {
            m.message = fmt::format("is required to '{}'{}", tr->name, step);
            m.line = line;
            problems.push_back(std::move(m));
        }
        if (tr->approval && !t.versioning.approved_on_field.empty()) data[t.versioning.approved_on_field] = "set";
        if (tr->approval && !t.versioning.approved_by_field.empty()) data[t.versioning.approved_by_field] = "set";
    }
}

}  // namespace

ImportResult RecordService::Import(const Context& ctx, std::string_view type, DataFormat format,
                                   std::string_view text) {
    const RecordType& t = types_.Get(type);
    RequirePermission(ctx, t.write_permission);
    std::vector<ErrorDetail> problems;
    size_t refusals = 0;  // of the problems, transitions the caller may not make
    std::vector<ImportRow> rows =
        format == DataFormat::kCsv ? ReadCsvRows(t, text, problems) : ReadJsonRows(text, problems);
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        const std::string& org = ctx.org_id;
        // Pass 1: which record each row is (existing or new), so rows may link to records of the same file.
        Batch batch;
        std::set<std::string> new_ids;
        std::map<std::string, int> seen;
        std::vector<std::optional<Record>> existing(rows.size());
        for (size_t i = 0; i < rows.size(); ++i) {
            auto& row = rows[i];
            if (!row.id.empty()) {
                try {
                    CheckId(row.id);
                } catch (const Error& e) {
                    problems.push_back({"id", e.what(), {}, row.line});
                    continue;
                }
                if (auto [it, inserted] = seen.emplace(row.id, row.line); !inserted) {
                    problems.push_back({"id", fmt::format("'{}' appears twice (also on line {})", row.id, it->second),
                                        {}, row.line});
                    continue;
                }
                existing[i] = Load(tx, org, t.name, row.id);
                if (!existing[i]) new_ids.insert(row.id);
            }
        }
        for (auto& row : rows) {
            if (row.id.empty()) {
                row.id = NextId(tx, t, org, new_ids).first;
                new_ids.insert(row.id);
            }
            batch.ids.insert(t.name + "\x1f" + row.id);
        }
        // Pass 2: check every row; nothing is written until all are good. A state other than the record's
        // current one (a new record's: the initial state) is reached along the workflow's transitions, as a user
        // would move it: each with its roles or permission and required fields here, and the type's rules when
        // it is written (pass 3).
        std::vector<Json> datas(rows.size());
        // (struct: inside RecordService, Transition names the member function.)
        std::vector<std::vector<const struct Transition*>> paths(rows.size());
        for (size_t i = 0; i < rows.size(); ++i) {
            auto& row = rows[i];
            Json data = existing[i] ? existing[i]->data : Json::object();
            if (!existing[i])
                for (const auto& f : t.fields)
                    if (!f.default_value.is_null()) data[f.name] = f.default_value;
            for (auto it = row.patch.begin(); it != row.patch.end(); ++it) {
                if (it.value().is_null()) {
                    data.erase(it.key());
                } else {
                    data[it.key()] = it.value();
                }
            }
            if (existing[i] && existing[i]->archived)
                problems.push_back({"id", fmt::format("{} {} is archived", t.name, row.id), {}, row.line});
            Prepare(tx, t, org, row.id, data, problems, &batch, row.line);
            std::string current = existing[i] ? existing[i]->state : t.workflow.initial;
            if (row.state && !t.FindState(*row.state)) {
                problems.push_back(
                    {"state", fmt::format("'{}' is not a state of {}", *row.state, t.name), t.StateNames(), row.line});
            } else if (row.state && *row.state != current) {
                // An edit of a locked revision starts the next revision in the draft state first (27001 7.5.3).
                std::string start = existing[i] && data != existing[i]->data && t.IsLocked(current)
                                        ? t.versioning.draft_state
                                        : current;
                if (auto path = PathTo(t, start, *row.state)) {
                    CheckPath(tx, ctx, t, row.id, *path, data, *row.state, row.line, account_role_, problems, refusals);
                    paths[i] = std::move(*path);
                } else {
                    std::vector<std::string> reachable;
                    for (const auto& s : t.StateNames())
                        if (s != start && PathTo(t, start, s)) reachable.push_back(s);
                    problems.push_back(
                        {"state",
                         fmt::format("{} cannot move from '{}' to '{}' by its transitions", t.name, start, *row.state),
                         reachable, row.line});
                }
            }
            datas[i] = std::move(data);
        }
        if (!problems.empty()) {
            const bool only_refusals = refusals == problems.size();
            RefuseImport(std::move(problems), rows.size(), only_refusals);
        }
        // Pass 3: write, running the type's rules on every step. A row the rules refuse is reported and the
        // others still checked; then the whole transaction is rolled back.
        ImportResult result;
        std::vector<ErrorDetail> refused;
        for (size_t i = 0; i < rows.size(); ++i) {
            auto& row = rows[i];
            const Json line_event = Json{{"import_line", row.line}};
            Record rec;
            bool ok = true;
            if (existing[i]) {
                rec = *existing[i];
                if (datas[i] != rec.data) {
                    rec.data = datas[i];
                    ok = Persist(tx, t, rec, &*existing[i],
                                 ReviseIfLocked(tx, t, *existing[i], rec) ? "revise" : "import", line_event, &refused);
                }
            } else {
                rec.id = row.id;
                rec.data = datas[i];
                rec.state = t.workflow.initial;
                ok = Persist(tx, t, rec, nullptr, "create", line_event, &refused);
            }
            for (size_t s = 0; ok && s < paths[i].size(); ++s) {
                const struct Transition& tr = *paths[i][s];
                Record next = rec;
                ApplyTransition(ctx, t, next, tr);
                // The file's own approval date (an export of an approved record) is kept.
                for (const auto* f : {&t.versioning.approved_on_field, &t.versioning.approved_by_field})
                    if (tr.approval && !f->empty() && row.patch.contains(*f) && datas[i].contains(*f))
                        next.data[*f] = datas[i].at(*f);
                if (t.IsLocked(next.state)) SaveRevision(tx, next);
                ok = Persist(tx, t, next, &rec, "transition", Json{{"transition", tr.name}, {"import_line", row.line}},
                             &refused);
                if (ok) rec = std::move(next);
            }
            if (!ok) continue;
            if (existing[i] && rec.version == existing[i]->version) {
                result.ids.push_back(rec.id);  // unchanged
                continue;
            }
            (existing[i] ? result.updated : result.created) += 1;
            result.ids.push_back(rec.id);
        }
        if (!refused.empty()) RefuseImport(std::move(refused), rows.size());
        return result;
    });
}

std::string RecordService::Export(const Context& ctx, std::string_view type, DataFormat format, ListQuery q) {
    const RecordType& t = types_.Get(type);
    q.limit = 1000;
    std::vector<Record> all;
    for (;;) {
        Page p = List(ctx, t.name, q);
        for (auto& r : p.items) all.push_back(std::move(r));
        if (p.next_cursor.empty()) break;
        q.cursor = p.next_cursor;
    }
    if (format == DataFormat::kJson) {
        Json arr = Json::array();
        for (const auto& r : all) arr.push_back(ToJson(r));
        return arr.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
    }
    io::Table table;
    table.columns = {"id", "state"};
    for (const auto& f : t.fields) table.columns.push_back(f.name);
    for (const auto& r : all) {
        std::vector<std::string> row = {r.id, r.state};
        for (const auto& f : t.fields) row.push_back(r.data.contains(f.name) ? ValueToText(r.data.at(f.name)) : "");
        table.rows.push_back(std::move(row));
    }
    return io::RenderCsv(table);
}

Json ToJson(const HistoryEntry& h) {
    Json changes = Json::array();
    for (const auto& c : h.changes) changes.push_back({{"field", c.field}, {"before", c.before}, {"after", c.after}});
    Json j = {{"seq", h.seq},         {"at", h.at},           {"actor", h.actor},
              {"op", h.op},           {"version", h.version}, {"changes", changes}};
    if (!h.transition.empty()) j["transition"] = h.transition;
    if (!h.detail.is_null()) j["detail"] = h.detail;
    return j;
}

std::vector<HistoryEntry> RecordService::History(const Context& ctx, std::string_view type, std::string_view id) {
    RequirePermission(ctx, Permission::kRead);
    const RecordType& t = types_.Get(type);
    return store_.Read([&](store::Db& db) {
        std::vector<store::ChangeEntry> entries;
        for (int64_t after = 0;;) {
            auto batch = store::ReadLog(db, {ctx.org_id, Entity(t.name), std::string(id), after, 500});
            if (batch.empty()) break;
            after = batch.back().seq;
            for (auto& e : batch) entries.push_back(std::move(e));
        }
        if (entries.empty() && !RecordExists(db, ctx.org_id, t.name, id))
            throw Error::NotFound(fmt::format("no {} '{}'", t.name, id));
        std::vector<HistoryEntry> out;
        for (const auto& e : entries) {
            HistoryEntry h;
            h.seq = e.seq;
            h.at = e.at;
            h.actor = e.actor;
            h.op = e.op;
            const Json& image = e.after.is_null() ? e.before : e.after;
            if (image.is_object() && image.contains("version")) h.version = image["version"].get<int64_t>();
            if (e.after.is_object() && e.after.contains("event")) {
                h.detail = e.after["event"];
                if (h.detail.contains("transition")) h.transition = h.detail["transition"].get<std::string>();
            }
            h.changes = Diff(e.before, e.after);
            out.push_back(std::move(h));
        }
        return out;
    });
}

DueWindow MakeDueWindow(int within_days, std::string today) {
    if (within_days < 0 || within_days > 3660)
        throw Error::InvalidInput("within must be between 0 and 3660 days", {{"within", "0..3660"}});
    if (today.empty()) today = time::Today();
    auto base = time::ParseDate(today);
    if (!base) throw Error::InvalidInput(fmt::format("'{}' is not a date (YYYY-MM-DD)", today));
    return {*base, time::FormatDate(*base + std::chrono::days{within_days})};
}

int64_t DueWindow::DaysLeft(std::string_view date) const {
    auto when = time::ParseDate(date);
    return when ? (*when - today).count() : 0;
}

std::vector<DueItem> RecordService::Due(const Context& ctx, int within_days, std::string today) {
    RequirePermission(ctx, Permission::kRead);
    const DueWindow w = MakeDueWindow(within_days, std::move(today));
    return store_.Read([&](store::Db& db) {
        std::vector<DueItem> out;
        for (const auto& r : db.Query("SELECT type, id, title, state, next_review FROM records WHERE org_id = ? AND "
                                      "archived = 0 AND next_review IS NOT NULL AND next_review <= ? ORDER BY "
                                      "next_review, type, seq",
                                      {V(ctx.org_id), V(w.until)})) {
            const RecordType* t = types_.Find(r.Str(0));
            if (!t) continue;
            DueItem d{t->name, t->title, r.Str(1), r.Str(2), r.Str(3), r.Str(4), 0};
            d.days_left = w.DaysLeft(d.next_review);
            out.push_back(std::move(d));
        }
        return out;
    });
}

}  // namespace isms::records
