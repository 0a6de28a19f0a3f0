// Tamper evidence for what the tables hold today: the change log's hash chain (change_log.hpp) proves the history
// was not altered; a state check proves that the rows of a logged table are what that history ends with. A row
// changed behind the program's back (a database tool, a file restored over another) no longer equals the after
// image of its last change-log entry; a row without an entry was never written by the program; a row missing
// although its last entry keeps it was deleted outside the program.
//
// Each module that logs the writes of a table describes, in a LoggedTable, how to rebuild from a row the image it
// logs (or the part of it that the row determines). The application runs every description in `isms log verify`.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "isms/core/json.hpp"
#include "isms/store/store.hpp"

namespace isms::store {

struct StateProblem {
    std::string org_id;
    std::string type;  // a record type, or the change-log entity of another table ("view", "soa_decision", …)
    std::string id;
    std::string problem;  // in words: which part differs, or "no change-log entry"
};

struct LoggedTable {
    std::string entity;  // the change-log entity of its writes
    // Every stored row as (org_id, entity id) → the image its writer would log for it now.
    std::function<std::map<std::pair<std::string, std::string>, Json>(Db&)> current;
    // The part of a logged after image that a row determines (the whole image when not set).
    std::function<Json(const Json&)> logged_part;
    // The logged part meaning "no row" (null: a deleted thing has no row). A row that equals it counts as absent.
    Json absent = nullptr;
};

// Compares the rows of `table` with the last change-log entry about each; at most `limit` problems, in
// (organisation, id) order. Field differences are named by their top-level keys.
std::vector<StateProblem> CompareWithLog(Db& db, const LoggedTable& table, size_t limit = 20);

}  // namespace isms::store
