#include "isms/records/integrity.hpp"

#include <fmt/format.h>

#include <map>
#include <tuple>

#include "isms/records/service.hpp"

namespace isms::records {

namespace {
constexpr const char* kPrefix = "record.";
}  // namespace

std::vector<StateProblem> CheckRecordsAgainstLog(store::Db& db, size_t limit) {
    using Key = std::tuple<std::string, std::string, std::string>;  // org, type, id
    std::map<Key, Json> last;  // the after image of each record's newest entry (null: deleted)
    db.QueryEach("SELECT org_id, entity, entity_id, after_json FROM change_log WHERE entity LIKE 'record.%' ORDER BY seq",
                 {}, [&](const store::Row& r) {
                     std::string entity = r.Str(1);
                     if (entity.rfind(kPrefix, 0) != 0) return;
                     Json after = r.IsNull(3) ? Json(nullptr) : r.JsonAt(3);
                     if (after.is_object()) after.erase("event");
                     last[{r.Str(0), entity.substr(std::string(kPrefix).size()), r.Str(2)}] = std::move(after);
                 });
    std::vector<StateProblem> problems;
    auto report = [&](const Key& k, std::string what) {
        if (problems.size() < limit)
            problems.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), std::move(what)});
    };
    db.QueryEach(fmt::format("SELECT org_id, {} FROM records ORDER BY org_id, type, id", kRecordColumns), {},
                 [&](const store::Row& row) {
                     Record rec = RecordFromRow(row, 1);
                     Key k{row.Str(0), rec.type, rec.id};
                     auto it = last.find(k);
                     if (it == last.end() || it->second.is_null()) {
                         report(k, it == last.end() ? "stored but never written through isms (no change-log entry)"
                                                    : "stored although its last change-log entry deletes it");
                         return;
                     }
                     Json now = ToJson(rec);
                     if (now == it->second) return;
                     std::string fields;
                     for (const auto& [name, value] : now.items()) {
                         if (it->second.contains(name) && it->second[name] == value) continue;
                         if (name == "data" && it->second.contains("data") && it->second["data"].is_object()) {
                             for (const auto& [f, v] : value.items())
                                 if (!it->second["data"].contains(f) || it->second["data"][f] != v)
                                     fields += (fields.empty() ? "" : ", ") + ("data." + f);
                             for (const auto& [f, v] : it->second["data"].items())
                                 if (!value.contains(f)) fields += (fields.empty() ? "" : ", ") + ("data." + f);
                         } else {
                             fields += (fields.empty() ? "" : ", ") + name;
                         }
                     }
                     report(k, "differs from its last change-log entry in " + (fields.empty() ? "its form" : fields));
                 });
    return problems;
}

}  // namespace isms::records
