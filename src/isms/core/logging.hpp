// Logging: every line goes to standard error (standard output belongs to command results), either as text
// for a person at a terminal or as one JSON object per line for a log collector.
//
// JSON lines always carry "time" (RFC 3339 UTC, milliseconds), "level" and "msg"; Event() adds its fields
// (the HTTP server logs one "request" event per request with request_id, method, path, status,
// duration_ms, actor and org). Plain spdlog calls (spdlog::info("…")) anywhere in the program produce the
// same shape without extra fields.
//
// Thread-safety: Configure() once at start, before threads; Event() and spdlog calls from any thread.
#pragma once

#include <string_view>

#include "isms/core/json.hpp"

namespace isms::logging {

enum class Format { kText, kJson };
enum class Level { kDebug, kInfo, kWarn, kError };

// "text" or "json"; "debug", "info", "warn", "error". Throw kInvalidInput naming the allowed values.
Format ParseFormat(std::string_view name);
Level ParseLevel(std::string_view name);

// Sends all logging to standard error in `format`, dropping lines below `level`.
void Configure(Format format, Level level);

// One event: a short message and its fields (a JSON object; other values are logged under "value").
void Event(Level level, std::string_view msg, const Json& fields);

}  // namespace isms::logging
