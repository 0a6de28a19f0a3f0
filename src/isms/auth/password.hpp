// Passwords: argon2id hashing (libsodium crypto_pwhash) and the password policy.
//
// Hashes are libsodium's self-describing strings ("$argon2id$v=19$m=65536,t=2,p=1$…"), so the cost can be
// raised later: NeedsRehash tells when a stored hash is weaker than the current setting, and a login
// re-hashes it. At most two hashes are computed at a time (each takes 64 MiB), so a burst of logins cannot
// exhaust memory. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace isms::auth {

inline constexpr size_t kMinPasswordLength = 12;   // characters (UTF-8 code points)
inline constexpr size_t kMaxPasswordBytes = 1024;  // longer input is refused before hashing

enum class HashCost {
    kInteractive,      // libsodium's INTERACTIVE limits: 2 passes over 64 MiB (the product's setting)
    kMinimumForTests,  // libsodium's MIN limits: unit tests only, so that they stay fast
};
// Sets the cost of new hashes (process-wide; call before serving). Verification reads the cost from each hash.
void SetHashCost(HashCost cost);

// The argon2id string for `password`. Throws kInternal when libsodium fails (out of memory).
std::string HashPassword(std::string_view password);
// True when `password` matches `hash` (constant time inside libsodium); false for a malformed hash.
bool VerifyPassword(std::string_view hash, std::string_view password);
// True when `hash` was made with weaker parameters than HashPassword uses now.
bool NeedsRehash(std::string_view hash);
// Spends the time of one verification without a real hash: used for unknown usernames, so that response
// times do not tell which accounts exist.
void SpendVerificationTime(std::string_view password);

// Throws kInvalidInput (field "password") when the password is too short, too long, not UTF-8, contains
// the username, or is common or predictable (the bundled list data/security/common-passwords.txt, with case,
// surrounding digits and symbols and simple letter substitutions ignored; keyboard and alphabet runs;
// repetitions).
void CheckPasswordPolicy(std::string_view password, std::string_view username);
// True when the password is on the bundled list or is otherwise predictable (see above).
bool IsCommonPassword(std::string_view password);

}  // namespace isms::auth
