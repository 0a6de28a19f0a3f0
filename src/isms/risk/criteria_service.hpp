// Risk criteria per organisation, in numbered immutable versions (27001 6.1.2 a, 7.5: documented
// information). Version 1 is the ready-made 5 × 5 set (RiskCriteria::Default) and is stored the first time a
// risk is scored; `Set` adds version n+1. Nothing is ever rewritten: risks keep the version they were scored
// on, and an approved SoA names the version that was current.
//
// Permissions: reading needs kRead; changing the criteria needs kSoaApprove, the authority that approves
// the SoA (administrator, ISMS manager), because criteria are a top-management decision (27001 5.1, 6.1.2).
// Thread-safe.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "isms/core/context.hpp"
#include "isms/risk/criteria.hpp"
#include "isms/store/store.hpp"

namespace isms::risk {

class RiskCriteriaService {
public:
    explicit RiskCriteriaService(store::Store& store) : store_(store) {}

    // The newest version. When none is stored yet: the default with version 1 (`created_at` empty), which is
    // exactly what the first scoring stores.
    RiskCriteria Current(const Context& ctx);
    // One version; kNotFound when it does not exist.
    RiskCriteria Version(const Context& ctx, int version);
    // Every stored version, oldest first.
    std::vector<RiskCriteria> History(const Context& ctx);
    // Validates and stores `c` as the next version. `expected_version` is the version the caller started
    // from: kPreconditionFailed when another version was stored in between. Returns the stored criteria.
    RiskCriteria Set(const Context& ctx, RiskCriteria c, std::optional<int> expected_version);

    // Inside a transaction or read: the newest stored version, or nullopt.
    static std::optional<RiskCriteria> LoadCurrent(store::Db& db, const std::string& org_id);
    static std::optional<RiskCriteria> Load(store::Db& db, const std::string& org_id, int version);
    // Every stored version by number (for rendering risks scored on older versions).
    static std::map<int, RiskCriteria> LoadAll(store::Db& db, const std::string& org_id);
    // Inside a write: the newest version, storing the default as version 1 when there is none.
    static RiskCriteria EnsureCurrent(store::WriteTx& tx, const std::string& org_id);

private:
    store::Store& store_;
};

}  // namespace isms::risk
