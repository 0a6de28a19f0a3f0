// Monitoring and measurement (27001 9.1): measurements of metrics as time series, their status against the
// target, their trend and a small SVG chart.
//
// A metric is a record (type `metric`, docs/records.md: unit, direction, target, warning threshold, allowed
// range, frequency, who measures and analyses, the objectives and controls it evaluates). Its measurements
// live beside it (table `measurements`): one value per metric and date — recording a value for a date that
// has one replaces it, so automation may send the same day again. Every change is logged (entity
// "measurement", id "MET-1/2026-03-31") and, in the same transaction, the metric's `last_measured`,
// `latest_value` and `status` are set from its newest measurement, which also moves its next due date
// (last_measured + frequency; `isms record due` lists metrics not measured in time).
//
// Rules (kInvalidInput naming the field; nothing is stored):
//   - the unit, when given, must be the metric's unit (compared case-insensitively);
//   - the value must be a finite number within the metric's allowed range (min_value … max_value);
//   - the date must be a real date and not in the future;
//   - a retired metric takes no measurements (kConflict).
// Status: no_data without measurements; on_target when the latest value reaches the target (≥ for
// higher_is_better, ≤ for lower_is_better); warning when it misses the target but is within the warning
// threshold; off_target otherwise (no threshold: any miss is off_target).
// Trend: least-squares slope over the last six measurements (at least three), as the change over their time
// span relative to their mean: within ±2 % "stable", else "improving" or "worsening" by the metric's
// direction.
//
// Permissions: kRead to read; kRecordsWrite to record or remove measurements. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "isms/core/context.hpp"
#include "isms/core/json.hpp"
#include "isms/records/service.hpp"
#include "isms/store/store.hpp"

namespace isms::evaluation {

// What the rules need of a metric record.
struct MetricSpec {
    std::string id, name, unit, state;
    bool higher_is_better = true;
    double target = 0;
    std::optional<double> warning, min_value, max_value;
    std::string frequency = "P1M";
    static MetricSpec FromRecord(const records::Record& r);
};

struct Measurement {
    std::string metric_id;
    std::string date;  // YYYY-MM-DD
    double value = 0;
    std::string note;
    std::string source;  // "manual", "csv", "api", or what the caller names
    std::string recorded_at, recorded_by;
    Json ToJson() const;
};

struct MeasurementInput {
    std::string date;                 // "" = today
    std::optional<double> value;      // required
    std::string unit;                 // optional; must match the metric's
    std::string note;
    std::string source;
    int line = 0;  // for imports: the line it came from
    // {"date", "value", "unit", "note", "source"}; kInvalidInput for wrong types or unknown keys.
    static MeasurementInput FromJson(const Json& j);
};

struct Trend {
    std::string direction = "insufficient_data";  // improving, worsening, stable, insufficient_data
    double change = 0;                            // relative change over the window (0.05 = +5 %)
    int points = 0;
    Json ToJson() const;
};

// Pure rules, for the service and tests.
std::string StatusOf(const MetricSpec& m, std::optional<double> latest);
Trend TrendOf(const MetricSpec& m, const std::vector<Measurement>& series);  // series in date order
// Problems with one measurement (field names: date, value, unit); `today` YYYY-MM-DD.
std::vector<ErrorDetail> CheckMeasurement(const MetricSpec& m, const MeasurementInput& in, const std::string& today);

struct MetricSummary {
    MetricSpec spec;
    records::Record record;
    std::vector<Measurement> series;  // in date order
    std::optional<Measurement> latest;
    std::string status;
    Trend trend;
    Json ToJson(bool with_series) const;
};

// An SVG line chart of the series with the target (and warning threshold) as lines; `sparkline`: no axes,
// small.
std::string MetricChartSvg(const MetricSummary& s, bool sparkline);

class MetricService {
public:
    MetricService(store::Store& store, records::RecordService& records) : store_(store), records_(records) {}

    // Records measurements of one metric, all or nothing (errors name the item: "items[2].value", with
    // ErrorDetail.line for imports). Returns them as stored.
    std::vector<Measurement> Record(const Context& ctx, const std::string& metric_id,
                                    const std::vector<MeasurementInput>& items, const std::string& default_source);
    // Reads CSV with a header of date, value and optionally unit, note, source — and `metric` when metric_id is
    // "" (then the file may hold several metrics). All or nothing; every bad line is reported with its line.
    std::vector<Measurement> ImportCsv(const Context& ctx, const std::string& metric_id, std::string_view csv);
    // Removes the measurement of a date (kNotFound when there is none).
    void Remove(const Context& ctx, const std::string& metric_id, const std::string& date);

    // The measurements of a metric between two dates (inclusive; "" = open).
    std::vector<Measurement> Series(const Context& ctx, const std::string& metric_id, const std::string& from = "",
                                    const std::string& to = "");
    MetricSummary Summary(const Context& ctx, const std::string& metric_id);
    // Every metric that is not archived (retired ones too, with `include_retired`), in id order.
    std::vector<MetricSummary> Overview(const Context& ctx, bool include_retired = false);

    // For other evaluation services, inside a read: the summaries as of `until` (measurements dated on or before
    // it), for the given metric records.
    static std::vector<MetricSummary> Summaries(store::Db& db, const std::string& org_id,
                                                const std::vector<records::Record>& metrics, const std::string& until);

private:
    std::vector<Measurement> RecordIn(store::WriteTx& tx, const std::string& metric_id,
                                      const std::vector<MeasurementInput>& items, const std::string& default_source);
    // Sets the metric's last_measured, latest_value and status from its newest measurement.
    void Refresh(store::WriteTx& tx, const records::Record& metric);

    store::Store& store_;
    records::RecordService& records_;
};

}  // namespace isms::evaluation
