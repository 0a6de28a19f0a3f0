// Tamper evidence beyond the chain: the change log's hash chain (store/change_log.hpp) proves the history was
// not altered, and this check proves the records as stored today are what that history ends with. A record
// edited behind the program's back (a database tool, a restored file mixed with another) no longer equals
// the `after` image of its last change-log entry, and a record that appeared without an entry has none.
#pragma once

#include <string>
#include <vector>

#include "isms/store/state_check.hpp"
#include "isms/store/store.hpp"

namespace isms::records {

using StateProblem = store::StateProblem;

// Compares every stored record with the last change-log entry about it (one pass over the log, one over the
// records). Returns at most `limit` problems, in (organisation, type, id) order.
std::vector<StateProblem> CheckRecordsAgainstLog(store::Db& db, size_t limit = 20);

}  // namespace isms::records
