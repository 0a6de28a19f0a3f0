#include "isms/evaluation/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "isms/catalog/query.hpp"
#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/evaluation/fields.hpp"
#include "isms/io/csv.hpp"
#include "isms/io/svg_chart.hpp"

namespace isms::evaluation {

using namespace fields;

using store::V;

namespace {

std::string Fmt(double v) {
    std::string s = fmt::format("{:.4f}", v);
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

Measurement FromRow(const store::Row& r) {
    return {r.Str(0), r.Str(1), r.Real(2), r.Str(3), r.Str(4), r.Str(5), r.Str(6)};
}

constexpr const char* kColumns = "metric_id, measured_on, value, note, source, recorded_at, recorded_by";

[[noreturn]] void ThrowAll(const std::string& what, std::vector<ErrorDetail> problems) {
    std::string msg = what + ": " + problems.front().field + ": " + problems.front().message;
    if (problems.size() > 1) msg += fmt::format(" (and {} more problem{})", problems.size() - 1,
                                                problems.size() == 2 ? "" : "s");
    throw Error::InvalidInput(msg, std::move(problems));
}

}  // namespace

MetricSpec MetricSpec::FromRecord(const records::Record& r) {
    MetricSpec m;
    m.id = r.id;
    m.name = Text(r.data, "name");
    m.unit = Text(r.data, "unit");
    m.state = r.state;
    m.higher_is_better = Text(r.data, "direction") != "lower_is_better";
    m.target = Number(r.data, "target").value_or(0);
    m.warning = Number(r.data, "warning");
    m.min_value = Number(r.data, "min_value");
    m.max_value = Number(r.data, "max_value");
    if (auto f = Text(r.data, "frequency"); !f.empty()) m.frequency = f;
    return m;
}

Json Measurement::ToJson() const {
    return {{"metric", metric_id}, {"date", date},         {"value", value},
            {"note", note},        {"source", source},     {"recorded_at", recorded_at},
            {"recorded_by", recorded_by}};
}

MeasurementInput MeasurementInput::FromJson(const Json& j) {
    if (!j.is_object()) throw Error::InvalidInput("a measurement must be an object: {\"date\": …, \"value\": …}");
    MeasurementInput in;
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& k = it.key();
        const Json& v = it.value();
        if (k == "value") {
            if (!v.is_number())
                throw Error::InvalidInput("value must be a number", {{"value", "not a number"}});
            in.value = v.get<double>();
        } else if (k == "date" || k == "unit" || k == "note" || k == "source") {
            if (v.is_null()) continue;
            if (!v.is_string()) throw Error::InvalidInput(fmt::format("{} must be text", k), {{k, "not text"}});
            (k == "date" ? in.date : k == "unit" ? in.unit : k == "note" ? in.note : in.source) = v.get<std::string>();
        } else {
            throw Error::InvalidInput(fmt::format("unknown field '{}' in a measurement", k),
                                      {{k, "unknown field", {"date", "value", "unit", "note", "source"}}});
        }
    }
    return in;
}

Json Trend::ToJson() const { return {{"direction", direction}, {"change", change}, {"points", points}}; }

std::string StatusOf(const MetricSpec& m, std::optional<double> latest) {
    if (!latest) return "no_data";
    double v = *latest;
    bool reached = m.higher_is_better ? v >= m.target : v <= m.target;
    if (reached) return "on_target";
    if (m.warning && (m.higher_is_better ? v >= *m.warning : v <= *m.warning)) return "warning";
    return "off_target";
}

Trend TrendOf(const MetricSpec& m, const std::vector<Measurement>& series) {
    Trend t;
    size_t n = std::min<size_t>(series.size(), 6);
    t.points = static_cast<int>(n);
    if (n < 3) return t;
    std::vector<std::pair<double, double>> pts;
    for (size_t i = series.size() - n; i < series.size(); ++i) {
        auto d = time::ParseDate(series[i].date);
        pts.emplace_back(d ? static_cast<double>(d->time_since_epoch().count()) : static_cast<double>(i),
                         series[i].value);
    }
    double mx = 0, my = 0;
    for (auto [x, y] : pts) {
        mx += x;
        my += y;
    }
    mx /= n;
    my /= n;
    double sxy = 0, sxx = 0;
    for (auto [x, y] : pts) {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
    }
    double slope = sxx > 0 ? sxy / sxx : 0;
    double span = pts.back().first - pts.front().first;
    double scale = std::max({std::fabs(my), std::fabs(m.target), 1e-9});
    t.change = slope * span / scale;
    if (std::fabs(t.change) < 0.02) {
        t.direction = "stable";
    } else {
        bool up = t.change > 0;
        t.direction = up == m.higher_is_better ? "improving" : "worsening";
    }
    return t;
}

std::vector<ErrorDetail> CheckMeasurement(const MetricSpec& m, const MeasurementInput& in, const std::string& today) {
    std::vector<ErrorDetail> out;
    auto add = [&](std::string field, std::string msg, std::vector<std::string> allowed = {}) {
        out.push_back({std::move(field), std::move(msg), std::move(allowed), in.line});
    };
    if (!in.date.empty()) {
        if (!time::ParseDate(in.date)) {
            add("date", fmt::format("'{}' is not a date (YYYY-MM-DD)", in.date));
        } else if (in.date > today) {
            add("date", fmt::format("{} lies in the future (today is {}): measure it when it has happened", in.date,
                                    today));
        }
    }
    if (!in.value) {
        add("value", "is required");
    } else if (!std::isfinite(*in.value)) {
        add("value", "must be a finite number");
    } else {
        bool low = m.min_value && *in.value < *m.min_value, high = m.max_value && *in.value > *m.max_value;
        if (low || high)
            add("value", fmt::format("{} is outside the allowed range of {} ({} to {} {})", Fmt(*in.value), m.id,
                                     m.min_value ? Fmt(*m.min_value) : "any", m.max_value ? Fmt(*m.max_value) : "any",
                                     m.unit));
    }
    if (!in.unit.empty() && !catalog::query::EqualsIgnoreCase(in.unit, m.unit))
        add("unit", fmt::format("{} is measured in '{}', not '{}'", m.id, m.unit, in.unit), {m.unit});
    return out;
}

Json MetricSummary::ToJson(bool with_series) const {
    Json j = {{"id", spec.id},
              {"name", spec.name},
              {"unit", spec.unit},
              {"state", spec.state},
              {"direction", spec.higher_is_better ? "higher_is_better" : "lower_is_better"},
              {"target", spec.target},
              {"warning", spec.warning ? Json(*spec.warning) : Json(nullptr)},
              {"min_value", spec.min_value ? Json(*spec.min_value) : Json(nullptr)},
              {"max_value", spec.max_value ? Json(*spec.max_value) : Json(nullptr)},
              {"frequency", spec.frequency},
              {"status", status},
              {"trend", trend.ToJson()},
              {"measurements", series.size()},
              {"latest", latest ? latest->ToJson() : Json(nullptr)},
              {"next_review", record.next_review ? Json(*record.next_review) : Json(nullptr)},
              {"objectives", record.data.value("objectives", Json::array())},
              {"controls", record.data.value("controls", Json::array())}};
    if (with_series) {
        Json a = Json::array();
        for (const auto& m : series) a.push_back(m.ToJson());
        j["series"] = a;
    }
    return j;
}

std::string MetricChartSvg(const MetricSummary& s, bool sparkline) {
    io::LineChart c;
    c.axes = !sparkline;
    c.width = sparkline ? 160 : 640;
    c.height = sparkline ? 40 : 280;
    if (!sparkline) {
        c.title = fmt::format("{} {}", s.spec.id, s.spec.name);
        c.x_label = "date";
        c.x_dates = true;
        c.y_label = s.spec.unit;
    }
    io::LineSeries values{s.spec.unit.empty() ? "value" : s.spec.unit, "#1f5fa8", {}};
    double first = 0, last = 0;
    for (size_t i = 0; i < s.series.size(); ++i) {
        auto d = time::ParseDate(s.series[i].date);
        double x = d ? static_cast<double>(d->time_since_epoch().count()) : static_cast<double>(i);
        if (i == 0) first = x;
        last = x;
        values.points.emplace_back(x, s.series[i].value);
    }
    if (s.series.empty()) last = first + 1;
    c.series.push_back(values);
    c.series.push_back({"target", "#2e7d32", {{first, s.spec.target}, {last, s.spec.target}}});
    if (s.spec.warning) c.series.push_back({"warning", "#f9a825", {{first, *s.spec.warning}, {last, *s.spec.warning}}});
    return io::RenderSvg(c);
}

std::vector<MetricSummary> MetricService::Summaries(store::Db& db, const std::string& org_id,
                                                    const std::vector<records::Record>& metrics,
                                                    const std::string& until) {
    std::map<std::string, std::vector<Measurement>> by_metric;
    std::string sql = fmt::format("SELECT {} FROM measurements WHERE org_id = ?", kColumns);
    store::Params params = {V(org_id)};
    if (!until.empty()) {
        sql += " AND measured_on <= ?";
        params.push_back(V(until));
    }
    sql += " ORDER BY metric_id, measured_on";
    for (const auto& r : db.Query(sql, params)) {
        Measurement m = FromRow(r);
        by_metric[m.metric_id].push_back(std::move(m));
    }
    std::vector<MetricSummary> out;
    for (const auto& rec : metrics) {
        MetricSummary s;
        s.record = rec;
        s.spec = MetricSpec::FromRecord(rec);
        s.series = std::move(by_metric[rec.id]);
        if (!s.series.empty()) s.latest = s.series.back();
        s.status = StatusOf(s.spec, s.latest ? std::optional<double>(s.latest->value) : std::nullopt);
        s.trend = TrendOf(s.spec, s.series);
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<Measurement> MetricService::Record(const Context& ctx, const std::string& metric_id,
                                               const std::vector<MeasurementInput>& items,
                                               const std::string& default_source) {
    RequirePermission(ctx, Permission::kRecordsWrite);
    return store_.Write(ctx, [&](store::WriteTx& tx) { return RecordIn(tx, metric_id, items, default_source); });
}

std::vector<Measurement> MetricService::RecordIn(store::WriteTx& tx, const std::string& metric_id,
                                                 const std::vector<MeasurementInput>& items,
                                                 const std::string& default_source) {
    const Context& ctx = tx.ctx();
    if (items.empty()) throw Error::InvalidInput("no measurements given", {{"items", "at least one is required"}});
    std::string today = time::Today();
    std::string now = time::NowUtc();
    auto rec = records::FindRecord(tx, ctx.org_id, "metric", metric_id);
    if (!rec) throw Error::NotFound(fmt::format("no metric '{}'", metric_id));
    if (rec->archived || rec->state == "retired")
        throw Error::Conflict(fmt::format("metric {} is {}: it takes no measurements (reactivate it first)", metric_id,
                                          rec->archived ? "archived" : "retired"));
    MetricSpec spec = MetricSpec::FromRecord(*rec);
    std::vector<ErrorDetail> problems;
    std::vector<Measurement> stored;
    std::map<std::string, size_t> seen;  // date → index, to report repeats within one request
    for (size_t i = 0; i < items.size(); ++i) {
        const auto& in = items[i];
        std::string prefix = items.size() > 1 ? fmt::format("items[{}].", i) : "";
        for (auto& d : CheckMeasurement(spec, in, today)) {
            d.field = prefix + d.field;
            problems.push_back(std::move(d));
        }
        Measurement m{metric_id, in.date.empty() ? today : in.date, in.value.value_or(0), in.note,
                      in.source.empty() ? default_source : in.source, now, ctx.actor};
        if (auto [it, inserted] = seen.emplace(m.date, i); !inserted)
            problems.push_back({prefix + "date",
                                fmt::format("{} appears twice for {} (also items[{}])", m.date, metric_id, it->second),
                                {}, in.line});
        stored.push_back(std::move(m));
    }
    if (!problems.empty()) {
        // The message first: the order in which a call's arguments are evaluated is unspecified, and the moved-from
        // vector would count 0.
        std::string what =
            fmt::format("no measurement was recorded ({} problem{})", problems.size(), problems.size() == 1 ? "" : "s");
        ThrowAll(what, std::move(problems));
    }
    for (const auto& m : stored) {
        auto before = tx.QueryOne(fmt::format("SELECT {} FROM measurements WHERE org_id = ? AND metric_id = ? AND "
                                              "measured_on = ?",
                                              kColumns),
                                  {V(ctx.org_id), V(m.metric_id), V(m.date)});
        tx.Exec("INSERT INTO measurements (org_id, metric_id, measured_on, value, note, source, recorded_at, "
                "recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, metric_id, measured_on) DO UPDATE "
                "SET value = excluded.value, note = excluded.note, source = excluded.source, recorded_at = "
                "excluded.recorded_at, recorded_by = excluded.recorded_by",
                {V(ctx.org_id), V(m.metric_id), V(m.date), V(m.value), V(m.note), V(m.source), V(m.recorded_at),
                 V(m.recorded_by)});
        tx.Log(ctx.org_id, "measurement", m.metric_id + "/" + m.date, before ? "update" : "create",
               before ? FromRow(*before).ToJson() : Json(nullptr), m.ToJson());
    }
    Refresh(tx, *rec);
    return stored;
}

void MetricService::Refresh(store::WriteTx& tx, const records::Record& metric) {
    // The metric follows its newest measurement; its measurements keep it from being deleted.
    const std::string& org = tx.ctx().org_id;
    auto latest = tx.QueryOne(fmt::format("SELECT {} FROM measurements WHERE org_id = ? AND metric_id = ? ORDER BY "
                                          "measured_on DESC LIMIT 1",
                                          kColumns),
                              {V(org), V(metric.id)});
    MetricSpec spec = MetricSpec::FromRecord(metric);
    Json patch = {{"last_measured", nullptr}, {"latest_value", nullptr}, {"status", "no_data"}};
    if (latest) {
        Measurement l = FromRow(*latest);
        patch = {{"last_measured", l.date}, {"latest_value", l.value}, {"status", StatusOf(spec, l.value)}};
    }
    if (!metric.archived) records_.UpdateIn(tx, "metric", metric.id, patch, "measure");
    records::SetExternalLinks(tx, org, "measurement_series", metric.id, "metric",
                              latest ? std::vector<records::LinkTarget>{{"metric", metric.id}}
                                     : std::vector<records::LinkTarget>{});
}

std::vector<Measurement> MetricService::ImportCsv(const Context& ctx, const std::string& metric_id,
                                                  std::string_view csv) {
    auto doc = io::ParseCsv(csv);
    int c_metric = doc.Column("metric"), c_date = doc.Column("date"), c_value = doc.Column("value"),
        c_unit = doc.Column("unit"), c_note = doc.Column("note"), c_source = doc.Column("source");
    std::vector<ErrorDetail> problems;
    for (size_t i = 0; i < doc.header.size(); ++i) {
        const auto& h = doc.header[i];
        if (h != "metric" && h != "date" && h != "value" && h != "unit" && h != "note" && h != "source")
            problems.push_back({h, fmt::format("unknown column '{}'", h),
                                {"metric", "date", "value", "unit", "note", "source"}, 1, static_cast<int>(i) + 1});
    }
    if (c_date < 0) problems.push_back({"date", "the header needs a 'date' column", {}, 1});
    if (c_value < 0) problems.push_back({"value", "the header needs a 'value' column", {}, 1});
    if (metric_id.empty() && c_metric < 0)
        problems.push_back({"metric", "name the metric: a 'metric' column, or import into one metric", {}, 1});
    if (!problems.empty()) ThrowAll("nothing was imported", std::move(problems));
    // Rows grouped by metric so each metric's measurements are checked against it.
    std::map<std::string, std::vector<MeasurementInput>> by_metric;
    std::vector<std::string> order;
    for (const auto& rec : doc.records) {
        MeasurementInput in;
        in.line = rec.line;
        in.date = rec.fields[c_date];
        std::string v = rec.fields[c_value];
        double value = 0;
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
        if (v.empty() || ec != std::errc() || p != v.data() + v.size()) {
            // A decimal comma, as spreadsheets in many countries write it.
            std::string dotted = v;
            std::replace(dotted.begin(), dotted.end(), ',', '.');
            auto [p2, ec2] = std::from_chars(dotted.data(), dotted.data() + dotted.size(), value);
            if (dotted.empty() || ec2 != std::errc() || p2 != dotted.data() + dotted.size()) {
                problems.push_back({"value", fmt::format("'{}' is not a number", v), {}, rec.line, c_value + 1});
                continue;
            }
        }
        in.value = value;
        if (c_unit >= 0) in.unit = rec.fields[c_unit];
        if (c_note >= 0) in.note = rec.fields[c_note];
        if (c_source >= 0) in.source = rec.fields[c_source];
        std::string mid = metric_id;
        if (c_metric >= 0 && !rec.fields[c_metric].empty()) {
            if (!metric_id.empty() && rec.fields[c_metric] != metric_id) {
                problems.push_back({"metric", fmt::format("'{}' is not the metric being imported into ({})",
                                                          rec.fields[c_metric], metric_id),
                                    {}, rec.line, c_metric + 1});
                continue;
            }
            mid = rec.fields[c_metric];
        }
        if (mid.empty()) {
            problems.push_back({"metric", "is empty", {}, rec.line, c_metric + 1});
            continue;
        }
        if (!by_metric.count(mid)) order.push_back(mid);
        by_metric[mid].push_back(std::move(in));
    }
    if (doc.records.empty()) problems.push_back({"", "the file holds no measurements", {}, 2});
    // Check every row of every metric before anything is written.
    {
        std::string today = time::Today();
        store_.Read([&](store::Db& db) {
            for (const auto& mid : order) {
                auto rec = records::FindRecord(db, ctx.org_id, "metric", mid);
                if (!rec) {
                    for (const auto& in : by_metric[mid])
                        problems.push_back({"metric", fmt::format("no metric '{}'", mid), {}, in.line});
                    continue;
                }
                auto spec = MetricSpec::FromRecord(*rec);
                for (const auto& in : by_metric[mid])
                    for (auto& d : CheckMeasurement(spec, in, today)) problems.push_back(std::move(d));
            }
            return 0;
        });
    }
    if (!problems.empty()) {
        std::sort(problems.begin(), problems.end(),
                  [](const ErrorDetail& a, const ErrorDetail& b) { return a.line < b.line; });
        ThrowAll("nothing was imported", std::move(problems));
    }
    // One transaction for the whole file: every metric's measurements or none.
    RequirePermission(ctx, Permission::kRecordsWrite);
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        std::vector<Measurement> all;
        for (const auto& mid : order)
            for (auto& m : RecordIn(tx, mid, by_metric[mid], "csv")) all.push_back(std::move(m));
        return all;
    });
}

void MetricService::Remove(const Context& ctx, const std::string& metric_id, const std::string& date) {
    RequirePermission(ctx, Permission::kRecordsWrite);
    store_.Write(ctx, [&](store::WriteTx& tx) {
        auto rec = records::FindRecord(tx, ctx.org_id, "metric", metric_id);
        if (!rec) throw Error::NotFound(fmt::format("no metric '{}'", metric_id));
        auto before = tx.QueryOne(fmt::format("SELECT {} FROM measurements WHERE org_id = ? AND metric_id = ? AND "
                                              "measured_on = ?",
                                              kColumns),
                                  {V(ctx.org_id), V(metric_id), V(date)});
        if (!before) throw Error::NotFound(fmt::format("metric {} has no measurement of {}", metric_id, date));
        tx.Exec("DELETE FROM measurements WHERE org_id = ? AND metric_id = ? AND measured_on = ?",
                {V(ctx.org_id), V(metric_id), V(date)});
        tx.Log(ctx.org_id, "measurement", metric_id + "/" + date, "delete", FromRow(*before).ToJson(), nullptr);
        Refresh(tx, *rec);
    });
}

std::vector<Measurement> MetricService::Series(const Context& ctx, const std::string& metric_id,
                                               const std::string& from, const std::string& to) {
    RequirePermission(ctx, Permission::kRead);
    for (const auto* d : {&from, &to})
        if (!d->empty() && !time::ParseDate(*d))
            throw Error::InvalidInput(fmt::format("'{}' is not a date (YYYY-MM-DD)", *d),
                                      {{d == &from ? "from" : "to", "not a date"}});
    return store_.Read([&](store::Db& db) {
        if (!records::RecordExists(db, ctx.org_id, "metric", metric_id))
            throw Error::NotFound(fmt::format("no metric '{}'", metric_id));
        std::string sql = fmt::format("SELECT {} FROM measurements WHERE org_id = ? AND metric_id = ?", kColumns);
        store::Params p = {V(ctx.org_id), V(metric_id)};
        if (!from.empty()) {
            sql += " AND measured_on >= ?";
            p.push_back(V(from));
        }
        if (!to.empty()) {
            sql += " AND measured_on <= ?";
            p.push_back(V(to));
        }
        std::vector<Measurement> out;
        for (const auto& r : db.Query(sql + " ORDER BY measured_on", p)) out.push_back(FromRow(r));
        return out;
    });
}

MetricSummary MetricService::Summary(const Context& ctx, const std::string& metric_id) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) {
        auto rec = records::FindRecord(db, ctx.org_id, "metric", metric_id);
        if (!rec) throw Error::NotFound(fmt::format("no metric '{}'", metric_id));
        return Summaries(db, ctx.org_id, {*rec}, "").front();
    });
}

std::vector<MetricSummary> MetricService::Overview(const Context& ctx, bool include_retired) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) {
        std::vector<records::Record> metrics;
        for (auto& r : records::RecordsOf(db, ctx.org_id, "metric"))
            if (include_retired || r.state != "retired") metrics.push_back(std::move(r));
        return Summaries(db, ctx.org_id, metrics, "");
    });
}

}  // namespace isms::evaluation
