#include "isms/store/state_check.hpp"

namespace isms::store {

std::vector<StateProblem> CompareWithLog(Db& db, const LoggedTable& table, size_t limit) {
    using Key = std::pair<std::string, std::string>;
    std::map<Key, Json> logged;  // the logged part of each thing's newest entry
    db.QueryEach("SELECT org_id, entity_id, after_json FROM change_log WHERE entity = ? ORDER BY seq", Params{Value(table.entity)},
                 [&](const Row& r) {
                     Json after = r.IsNull(2) ? Json(nullptr) : r.JsonAt(2);
                     if (!after.is_null() && table.logged_part) after = table.logged_part(after);
                     logged[{r.Str(0), r.Str(1)}] = std::move(after);
                 });
    std::map<Key, Json> now = table.current(db);
    std::vector<StateProblem> problems;
    auto report = [&](const Key& k, std::string what) {
        if (problems.size() < limit) problems.push_back({k.first, table.entity, k.second, std::move(what)});
    };
    auto is_absent = [&](const Json& j) { return j.is_null() || j == table.absent; };
    // Both maps are ordered by key: walk them together.
    auto l = logged.begin();
    auto n = now.begin();
    while (l != logged.end() || n != now.end()) {
        if (n == now.end() || (l != logged.end() && l->first < n->first)) {
            if (!is_absent(l->second)) report(l->first, "missing although its last change-log entry keeps it");
            ++l;
            continue;
        }
        if (l == logged.end() || n->first < l->first) {
            if (!is_absent(n->second)) report(n->first, "stored but never written through isms (no change-log entry)");
            ++n;
            continue;
        }
        const Json& want = l->second;
        const Json& have = n->second;
        if (want != have && !(is_absent(want) && is_absent(have))) {
            if (is_absent(want)) {
                report(n->first, "stored although its last change-log entry deletes it");
            } else {
                std::string fields;
                if (have.is_object() && want.is_object()) {
                    for (const auto& [k, v] : have.items())
                        if (!want.contains(k) || want[k] != v) fields += (fields.empty() ? "" : ", ") + k;
                    for (const auto& [k, v] : want.items())
                        if (!have.contains(k)) fields += (fields.empty() ? "" : ", ") + k;
                }
                report(n->first, "differs from its last change-log entry in " + (fields.empty() ? "its value" : fields));
            }
        }
        ++l;
        ++n;
    }
    return problems;
}

}  // namespace isms::store
