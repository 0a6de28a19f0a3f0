#include "isms/core/time.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace isms::time {

std::string FormatUtc(Clock::time_point tp) {
    using namespace std::chrono;
    auto ms = time_point_cast<milliseconds>(tp);
    auto days = floor<std::chrono::days>(ms);
    year_month_day ymd{days};
    hh_mm_ss hms{ms - days};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", int(ymd.year()), unsigned(ymd.month()),
                       unsigned(ymd.day()), hms.hours().count(), hms.minutes().count(), hms.seconds().count(),
                       hms.subseconds().count());
}

std::string NowUtc() { return FormatUtc(Clock::now()); }

std::string FormatDate(std::chrono::sys_days d) {
    std::chrono::year_month_day ymd{d};
    return fmt::format("{:04}-{:02}-{:02}", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()));
}

std::string Today() { return FormatDate(std::chrono::floor<std::chrono::days>(Clock::now())); }

std::optional<std::chrono::sys_days> ParseDate(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
    int y = std::stoi(std::string(s.substr(0, 4)));
    unsigned m = std::stoul(std::string(s.substr(5, 2)));
    unsigned d = std::stoul(std::string(s.substr(8, 2)));
    std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
    if (!ymd.ok()) return std::nullopt;
    return std::chrono::sys_days{ymd};
}

std::optional<Clock::time_point> ParseUtc(std::string_view s) {
    if (s.size() < 20) return std::nullopt;
    auto date = ParseDate(s.substr(0, 10));
    if (!date || s[10] != 'T' || s.back() != 'Z') return std::nullopt;
    int h = 0, mi = 0, se = 0, ms = 0;
    std::string rest(s.substr(11, s.size() - 12));
    if (std::sscanf(rest.c_str(), "%2d:%2d:%2d", &h, &mi, &se) != 3) return std::nullopt;
    if (rest.size() > 8 && rest[8] == '.') {
        std::string frac = rest.substr(9, 3);
        while (frac.size() < 3) frac += '0';
        ms = std::atoi(frac.c_str());
    }
    if (h > 23 || mi > 59 || se > 60) return std::nullopt;
    return Clock::time_point{*date} + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(se) +
           std::chrono::milliseconds(ms);
}

std::optional<std::chrono::seconds> ParseDuration(std::string_view s) {
    if (s.size() < 2 || s.size() > 12) return std::nullopt;
    int64_t n = 0;
    for (char c : s.substr(0, s.size() - 1)) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + (c - '0');
    }
    int64_t unit = 0;
    switch (s.back()) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        case 'w': unit = 7 * 86400; break;
        default: return std::nullopt;
    }
    if (n <= 0 || n > 100LL * 366 * 86400 / unit) return std::nullopt;
    return std::chrono::seconds(n * unit);
}

}  // namespace isms::time
