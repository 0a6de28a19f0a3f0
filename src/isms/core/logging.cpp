#include "isms/core/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <string>

#include "isms/core/error.hpp"
#include "isms/core/time.hpp"

namespace isms::logging {

namespace {

// Event() marks its payload: kMark, the fields as JSON, kSep, the message. Anything else is a plain message.
constexpr char kMark = '\x1e';
constexpr char kSep = '\x1f';

spdlog::level::level_enum ToSpd(Level l) {
    switch (l) {
        case Level::kDebug: return spdlog::level::debug;
        case Level::kInfo: return spdlog::level::info;
        case Level::kWarn: return spdlog::level::warn;
        case Level::kError: return spdlog::level::err;
    }
    return spdlog::level::info;
}

std::string_view LevelName(spdlog::level::level_enum l) {
    switch (l) {
        case spdlog::level::trace: return "trace";
        case spdlog::level::debug: return "debug";
        case spdlog::level::info: return "info";
        case spdlog::level::warn: return "warn";
        case spdlog::level::err: return "error";
        case spdlog::level::critical: return "critical";
        default: return "off";
    }
}

class LineFormatter : public spdlog::formatter {
public:
    explicit LineFormatter(Format format) : format_(format) {}

    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        std::string_view payload(msg.payload.data(), msg.payload.size());
        std::string text;
        Json fields = Json::object();
        if (!payload.empty() && payload.front() == kMark) {
            auto sep = payload.find(kSep);
            fields = Json::parse(payload.substr(1, sep - 1), nullptr, false);
            if (fields.is_discarded()) fields = Json::object();
            text = sep == std::string_view::npos ? "" : std::string(payload.substr(sep + 1));
        } else {
            text = std::string(payload);
        }
        std::string when = time::FormatUtc(std::chrono::time_point_cast<time::Clock::duration>(msg.time));
        std::string line;
        if (format_ == Format::kJson) {
            Json j = {{"time", when}, {"level", LevelName(msg.level)}, {"msg", text}};
            for (auto& [k, v] : fields.items())
                if (!j.contains(k)) j[k] = v;
            line = j.dump(-1, ' ', false, Json::error_handler_t::replace);
        } else {
            line = when + " " + std::string(LevelName(msg.level)) + " " + text;
            for (auto& [k, v] : fields.items())
                line += " " + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
        }
        line += '\n';
        dest.append(line.data(), line.data() + line.size());
    }

    std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<LineFormatter>(format_); }

private:
    Format format_;
};

}  // namespace

Format ParseFormat(std::string_view name) {
    if (name == "text") return Format::kText;
    if (name == "json") return Format::kJson;
    throw Error::InvalidInput(fmt::format("unknown log format '{}'", name), {{"log-format", "unknown", {"text", "json"}}});
}

Level ParseLevel(std::string_view name) {
    if (name == "debug") return Level::kDebug;
    if (name == "info") return Level::kInfo;
    if (name == "warn" || name == "warning") return Level::kWarn;
    if (name == "error") return Level::kError;
    throw Error::InvalidInput(fmt::format("unknown log level '{}'", name),
                              {{"log-level", "unknown", {"debug", "info", "warn", "error"}}});
}

void Configure(Format format, Level level) {
    auto logger = std::make_shared<spdlog::logger>("isms", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logger->set_formatter(std::make_unique<LineFormatter>(format));
    logger->set_level(ToSpd(level));
    logger->flush_on(spdlog::level::trace);  // every line reaches the collector, even if the process dies next
    spdlog::set_default_logger(logger);
}

void Event(Level level, std::string_view msg, const Json& fields) {
    auto l = ToSpd(level);
    if (!spdlog::should_log(l)) return;
    Json f = fields.is_object() ? fields : Json{{"value", fields}};
    std::string payload;
    payload += kMark;
    payload += f.dump(-1, ' ', false, Json::error_handler_t::replace);
    payload += kSep;
    payload += msg;
    spdlog::log(l, "{}", payload);
}

}  // namespace isms::logging
