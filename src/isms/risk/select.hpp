// Risks filtered with the attribute query language (catalog/query.hpp), the same language the control catalog,
// views and the SoA filter speak: `isms quant run --where 'level in (high, critical) and cia = C'`,
// `isms risk list --where …`.
//
// Fields (every comparison ignores case; `~` searches text):
//   id, title, owner (person id), status, approach (asset, scenario), assets, threats, vulnerabilities,
//   cia (C, I, A), level (inherent level id on the criteria it was scored on), residual_level, treatment
//   (modify, retain, avoid, share), controls (Annex A ids and own-control ids chosen by the treatment),
//   closed (yes, no), accepted (yes, no).
#pragma once

#include <string_view>
#include <vector>

#include "isms/catalog/query.hpp"
#include "isms/risk/risk.hpp"

namespace isms::risk {

// The fields above, with closed value lists where the values are fixed.
catalog::query::Vocabulary RiskVocabulary();

// A risk as a query item.
catalog::query::Item RiskItem(const Risk& risk);

// The risks of `risks` that satisfy `where` (all of them for a blank clause), in their order. Throws
// kInvalidInput naming the column and the valid fields/values for a bad clause.
std::vector<Risk> SelectRisks(const std::vector<Risk>& risks, std::string_view where);
// The same, taking the list: the risks it keeps are moved, not copied.
std::vector<Risk> SelectRisks(std::vector<Risk>&& risks, std::string_view where);

}  // namespace isms::risk
