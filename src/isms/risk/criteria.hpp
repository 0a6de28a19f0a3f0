// Risk criteria (27001 6.1.2 a): the scales a risk is scored on, the matrix that turns a score into a level,
// and the acceptance criteria that say who may accept a risk of each level.
//
// A RiskCriteria value is plain data with validation; RiskCriteriaService (criteria_service.hpp) stores it
// per organisation in numbered, immutable versions. Every score a risk carries names the version it was
// made on, so changing the criteria never silently re-labels earlier assessments (27001 6.1.2 b: repeated
// assessments produce consistent, valid and comparable results).
//
// Thread-safety: values only; safe to share read-only.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "isms/core/json.hpp"

namespace isms::risk {

// One step of a likelihood or consequence scale. Values run 1..n in order (1 = least).
struct ScaleLevel {
    int value = 0;
    std::string name;         // "Rare", "Minor", …
    std::string description;  // what this step means for the organisation, in its own words
};

// Who may accept a risk whose (residual) level is this one.
enum class AcceptanceAuthority {
    kRiskOwner,      // the risk owner may accept it
    kTopManagement,  // the risk owner accepts, and the owner must belong to top management
    kNotAcceptable,  // may not be accepted: it has to be treated further
};
std::string_view AuthorityName(AcceptanceAuthority a);  // "risk_owner", "top_management", "not_acceptable"
std::optional<AcceptanceAuthority> ParseAuthority(std::string_view s);

// A risk level of the matrix (low … critical), ordered from the least to the most severe.
struct RiskLevel {
    std::string id;      // machine name: lower-case letters, digits, '_' ("low", "critical")
    std::string name;    // shown to people ("Low")
    std::string colour;  // "#rrggbb", used by the heat map and the exports
    AcceptanceAuthority acceptance = AcceptanceAuthority::kRiskOwner;
};

struct RiskCriteria {
    int version = 0;  // 0 = not stored yet
    std::vector<ScaleLevel> likelihood;   // 3, 4 or 5 steps
    std::vector<ScaleLevel> consequence;  // 3, 4 or 5 steps
    std::vector<RiskLevel> levels;        // 2 to 6, least severe first
    // matrix[l-1][c-1] = index into `levels` for likelihood l and consequence c.
    std::vector<std::vector<int>> matrix;
    std::string note;        // why this version was made
    std::string created_at;  // set when stored
    std::string created_by;

    // Throws Error(kInvalidInput) listing every problem (field paths such as "matrix[2][3]"): scale sizes,
    // empty or duplicate names, malformed colours, unknown level ids, a matrix that is not
    // likelihood × consequence, a level that falls as likelihood or consequence rises, acceptance that
    // loosens as the level rises.
    void Validate() const;

    // The level for a score. Throws kInvalidInput naming the allowed range when a value is off the scale
    // (fields `likelihood_field` / `consequence_field`).
    const RiskLevel& LevelOf(int likelihood, int consequence, std::string_view likelihood_field = "likelihood",
                             std::string_view consequence_field = "consequence") const;
    // Index of the level (0 = least severe); same errors as LevelOf.
    int LevelIndex(int likelihood, int consequence) const;
    // Throws kInvalidInput when the pair is off this criteria's scales.
    void CheckScore(int likelihood, int consequence, std::string_view likelihood_field = "likelihood",
                    std::string_view consequence_field = "consequence") const;
    // Index of a level by id, or nullopt.
    std::optional<int> FindLevel(std::string_view id) const;

    // JSON form (the file format of `isms risk criteria set`; see docs/risk.md):
    // {"likelihood": [{"name", "description"}…], "consequence": […], "levels": [{"id", "name", "colour",
    //  "acceptance"}…], "matrix": [["low", …] one row per likelihood, least first], "note": …}
    Json ToJson() const;
    // Parses and validates; throws kInvalidInput naming the field. `version`/`created_*` are read when present.
    static RiskCriteria FromJson(const Json& j);

    // A ready-made set: `steps` × `steps` (3, 4 or 5) with levels low, medium, high, critical (critical
    // is not acceptable, high needs top management). Throws kInvalidInput for other sizes.
    static RiskCriteria Default(int steps = 5);
};

}  // namespace isms::risk
