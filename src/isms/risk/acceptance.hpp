// The acceptance rule of 27001 6.1.3 f) and the organisation's acceptance criteria (6.1.2 a 1), as one pure
// function so that it can be tested on its own and explained in one place:
//
//   1. only the risk owner accepts the residual risk of their risk;
//   2. the residual level's acceptance authority decides whether that is enough:
//        risk_owner      the owner's acceptance suffices;
//        top_management  the owner must belong to top management;
//        not_acceptable  nobody may accept it: the risk has to be treated further.
#pragma once

#include <string>

#include "isms/risk/criteria.hpp"
#include "isms/risk/risk.hpp"

namespace isms::risk {

struct AcceptanceParty {
    std::string person_id;      // who wants to accept
    std::string person_name;    // for messages ("" = use the id)
    bool top_management = false;
};

// Returns the authority the criteria require for `residual` (scored on `criteria`, whose version must be
// residual.criteria_version). Throws Error(kForbidden) with a message naming the risk, the level, the
// criteria version and what would be needed, when `party` may not accept.
AcceptanceAuthority CheckAcceptance(const RiskCriteria& criteria, const Score& residual, const std::string& risk_id,
                                    const std::string& owner_id, const AcceptanceParty& party);

}  // namespace isms::risk
