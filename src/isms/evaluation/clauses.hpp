// The management-system clauses 4–10 of ISO/IEC 27001:2022 as the evaluation module uses them: identifiers
// and titles from the built-in reference data (data/iso27001-2022/clauses.csv, table `clauses`), the
// documented information each clause requires (the CSV's own summary), and — in our own words — the audit
// question a checklist asks for it and what good evidence looks like (informed by ISO/IEC 27003; no text of
// the standards).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "isms/store/store.hpp"

namespace isms::evaluation {

struct Clause {
    std::string id;                      // "9.2.2"
    std::string title;
    std::string documented_information;  // "" when the clause requires none
    int position = 0;
};

// Every clause and subclause, in the standard's order.
std::vector<Clause> LoadClauses(store::Db& db);

// The clauses a checklist covers for `ids`: each id brings its leaves (9.2 → 9.2.1, 9.2.2; 7.1 → 7.1). Unknown
// ids are returned in `unknown`. In the standard's order, without repeats.
std::vector<Clause> ExpandClauses(const std::vector<Clause>& all, const std::vector<std::string>& ids,
                                  std::vector<std::string>* unknown = nullptr);

// The ISMS processes (the values of the roles' RACI lists and of an audit's `processes`) that carry out a leaf
// clause, in our own mapping: 6.1.2 → risk_assessment, 9.2.1 → internal_audit, … Empty for an unknown clause.
std::vector<std::string> ProcessesOfClause(std::string_view clause_id);

// Our own audit question for a leaf clause ("" when none is written for it).
std::string_view AuditQuestion(std::string_view clause_id);
// Our own short description of the evidence a well-run ISMS shows for a clause (top-level 4–10 and leaves).
std::string_view GoodPractice(std::string_view clause_id);

}  // namespace isms::evaluation
