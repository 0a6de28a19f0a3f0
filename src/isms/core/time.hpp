// Time as the product stores and shows it: RFC 3339 UTC strings with milliseconds
// ("2026-11-23T12:42:23.123Z") and calendar dates ("2026-11-23").
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace isms::time {

using Clock = std::chrono::system_clock;

// Now as "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string NowUtc();
std::string FormatUtc(Clock::time_point tp);
// Today as "YYYY-MM-DD" (UTC).
std::string Today();
// Parses "YYYY-MM-DD"; nullopt when malformed or not a real date (2026-02-30).
std::optional<std::chrono::sys_days> ParseDate(std::string_view s);
std::string FormatDate(std::chrono::sys_days d);
// Parses RFC 3339 "YYYY-MM-DDTHH:MM:SS[.fff]Z"; nullopt when malformed.
std::optional<Clock::time_point> ParseUtc(std::string_view s);
// Parses a duration "45s", "30m", "12h", "90d", "2w" (a positive whole number and one unit); nullopt when
// malformed, zero or longer than 100 years.
std::optional<std::chrono::seconds> ParseDuration(std::string_view s);

}  // namespace isms::time
