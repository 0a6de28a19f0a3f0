#include "isms/auth/password.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <semaphore>
#include <string>
#include <unordered_set>

#include "isms/core/embedded.hpp"
#include "isms/core/error.hpp"
#include "isms/io/csv.hpp"

ISMS_DECLARE_EMBEDDED(security_data)

namespace isms::auth {

namespace {

std::atomic<unsigned long long> ops_limit{crypto_pwhash_OPSLIMIT_INTERACTIVE};
std::atomic<size_t> mem_limit{crypto_pwhash_MEMLIMIT_INTERACTIVE};

// Each argon2id computation holds 64 MiB: bound how many run at once.
std::counting_semaphore<2>& HashSlots() {
    static std::counting_semaphore<2> slots(2);
    return slots;
}

struct SlotGuard {
    SlotGuard() { HashSlots().acquire(); }
    ~SlotGuard() { HashSlots().release(); }
};

void InitSodium() {
    static const bool ready = sodium_init() >= 0;
    if (!ready) throw Error::Internal("libsodium could not be initialised");
}

std::string Lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

const std::unordered_set<std::string>& CommonPasswords() {
    static const std::unordered_set<std::string> set = [] {
        std::unordered_set<std::string> out;
        auto text = embedded::Find(isms_embedded_security_data(), "common-passwords.txt");
        if (!text) throw Error::Internal("the common-password list is not embedded");
        size_t i = 0;
        while (i < text->size()) {
            size_t j = text->find('\n', i);
            if (j == std::string_view::npos) j = text->size();
            std::string line(text->substr(i, j - i));
            i = j + 1;
            while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
            if (line.empty() || line[0] == '#') continue;
            out.insert(Lower(line));
        }
        return out;
    }();
    return set;
}

size_t CodePoints(std::string_view s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

// The password without leading and trailing digits, punctuation and spaces ("Summer2024!" → "summer").
std::string Core(const std::string& lower) {
    size_t b = 0, e = lower.size();
    auto is_filler = [](unsigned char c) { return c < 0x80 && !std::isalpha(c); };
    while (b < e && is_filler(lower[b])) ++b;
    while (e > b && is_filler(lower[e - 1])) --e;
    return lower.substr(b, e - b);
}

// Undoes the usual letter substitutions ("p@ssw0rd" → "password").
std::string Unleet(std::string s) {
    for (char& c : s) {
        switch (c) {
            case '0': c = 'o'; break;
            case '1': c = 'i'; break;
            case '!': c = 'i'; break;
            case '3': c = 'e'; break;
            case '4': c = 'a'; break;
            case '@': c = 'a'; break;
            case '5': c = 's'; break;
            case '$': c = 's'; break;
            case '7': c = 't'; break;
            case '+': c = 't'; break;
            default: break;
        }
    }
    return s;
}

// A short unit repeated ("abcabcabcabc", "aaaaaaaaaaaa").
bool IsRepetition(const std::string& s) {
    for (size_t unit = 1; unit <= 4 && unit < s.size(); ++unit) {
        bool rep = true;
        for (size_t i = unit; i < s.size() && rep; ++i) rep = s[i] == s[i - unit];
        if (rep) return true;
    }
    return false;
}

// A run along the alphabet, the digits or a keyboard row, in either direction.
bool IsRun(const std::string& s) {
    static const std::string kRuns[] = {
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
        "01234567890123456789012345678901234567890",
        "qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjklzxcvbnm",
        "qwertyuiopqwertyuiopqwertyuiop",
        "asdfghjklasdfghjklasdfghjkl",
        "zxcvbnmzxcvbnmzxcvbnm",
        "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
        "qazwsxedcrfvtgbyhnujmikolp",
        "qwertzuiopasdfghjklyxcvbnm",
        "azertyuiopqsdfghjklmwxcvbn",
    };
    if (s.size() < 4) return false;
    std::string rev(s.rbegin(), s.rend());
    for (const auto& run : kRuns)
        if (run.find(s) != std::string::npos || run.find(rev) != std::string::npos) return true;
    return false;
}

}  // namespace

void SetHashCost(HashCost cost) {
    bool min = cost == HashCost::kMinimumForTests;
    ops_limit = min ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
    mem_limit = min ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

std::string HashPassword(std::string_view password) {
    InitSodium();
    char out[crypto_pwhash_STRBYTES];
    SlotGuard slot;
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops_limit.load(), mem_limit.load(),
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw Error::Internal("password hashing failed (out of memory)");
    return out;
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
    InitSodium();
    if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
    std::string h(hash);
    SlotGuard slot;
    return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool NeedsRehash(std::string_view hash) {
    InitSodium();
    std::string h(hash);
    return crypto_pwhash_str_needs_rehash(h.c_str(), ops_limit.load(), mem_limit.load()) != 0;
}

void SpendVerificationTime(std::string_view password) {
    static const std::string dummy = HashPassword("isms-timing-equaliser-not-a-password");
    (void)VerifyPassword(dummy, password);
}

bool IsCommonPassword(std::string_view password) {
    const auto& list = CommonPasswords();
    std::string lower = Lower(password);
    if (list.count(lower) || IsRepetition(lower) || IsRun(lower)) return true;
    std::string core = Core(lower);
    if (core.empty()) {
        // Only digits and symbols: a date, a PIN, a run.
        return IsRepetition(lower) || IsRun(lower) || lower.size() < 16;
    }
    for (const std::string& candidate : {core, Unleet(lower), Core(Unleet(lower)), Unleet(core)}) {
        if (list.count(candidate) || IsRepetition(candidate) || IsRun(candidate)) return true;
    }
    // Two common words glued together ("passwordpassword", "adminwelcome").
    for (size_t cut = 3; cut + 3 <= core.size(); ++cut)
        if (list.count(core.substr(0, cut)) && list.count(Core(core.substr(cut)))) return true;
    return false;
}

void CheckPasswordPolicy(std::string_view password, std::string_view username) {
    auto refuse = [](const std::string& msg, const char* reason) {
        throw Error::InvalidInput(msg, {{"password", reason}});
    };
    if (password.size() > kMaxPasswordBytes)
        refuse(fmt::format("the password is longer than {} bytes", kMaxPasswordBytes), "too long");
    if (!io::IsValidUtf8(password)) refuse("the password is not valid UTF-8 text", "not UTF-8");
    if (CodePoints(password) < kMinPasswordLength)
        refuse(fmt::format("the password must have at least {} characters; a few unrelated words make a good one",
                           kMinPasswordLength),
               "too short");
    std::string lower = Lower(password);
    if (username.size() >= 3 && lower.find(Lower(username)) != std::string::npos)
        refuse("the password must not contain the username", "contains the username");
    if (IsCommonPassword(password))
        refuse("the password is too common or predictable (a well-known password, a keyboard or alphabet run, a "
               "repetition): choose another",
               "too common");
}

}  // namespace isms::auth
