#include "isms/risk/acceptance.hpp"

#include <fmt/format.h>

#include "isms/core/error.hpp"

namespace isms::risk {

AcceptanceAuthority CheckAcceptance(const RiskCriteria& criteria, const Score& residual, const std::string& risk_id,
                                    const std::string& owner_id, const AcceptanceParty& party) {
    const RiskLevel& level = criteria.LevelOf(residual.likelihood, residual.consequence, "residual_likelihood",
                                              "residual_consequence");
    std::string who = party.person_name.empty() ? party.person_id
                                                : fmt::format("{} ({})", party.person_name, party.person_id);
    if (party.person_id != owner_id)
        throw Error::Forbidden(fmt::format("only the risk owner ({}) may accept the residual risk of {}; {} is not its "
                                           "owner",
                                           owner_id, risk_id, who));
    switch (level.acceptance) {
        case AcceptanceAuthority::kRiskOwner: break;
        case AcceptanceAuthority::kTopManagement:
            if (!party.top_management)
                throw Error::Forbidden(fmt::format(
                    "the residual level of {} is '{}', which criteria version {} reserves for top management; {} "
                    "does not belong to top management: reduce the risk further or make a member of top management "
                    "its owner",
                    risk_id, level.name, criteria.version, who));
            break;
        case AcceptanceAuthority::kNotAcceptable:
            throw Error::Forbidden(fmt::format("the residual level of {} is '{}', which criteria version {} does not "
                                               "allow anyone to accept: treat the risk further",
                                               risk_id, level.name, criteria.version));
    }
    return level.acceptance;
}

}  // namespace isms::risk
