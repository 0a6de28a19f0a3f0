// isms::Error — the one exception type of the product.
//
// Thrown where an operation cannot go on; caught only at the CLI boundary (mapped to an exit code, see
// docs/cli.md) and the HTTP boundary (mapped to an RFC 9457 problem+json response). The message is written
// for the user: it says what is wrong and, where possible, what would be accepted. `details` name the
// fields (or lines/columns) concerned. Third-party exceptions are translated into Error inside the adapter
// that calls the library.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace isms {

enum class ErrorCode {
    kInvalidInput,        // the request or file is malformed or violates a rule          HTTP 400/422, exit 3
    kNotFound,            // an id, name or file that does not exist (or is hidden)      HTTP 404, exit 4
    kConflict,            // clashes with the current state (duplicate, in use, …)        HTTP 409, exit 5
    kForbidden,           // authenticated, but the role does not allow it                HTTP 403, exit 6
    kUnauthenticated,     // no or bad credentials                                        HTTP 401, exit 7
    kUnavailable,         // database or other resource not reachable                     HTTP 503, exit 8
    kPreconditionFailed,  // If-Match / version no longer current                         HTTP 412, exit 9
    kTooLarge,            // body, upload or file over its limit                          HTTP 413, exit 10
    kRateLimited,         // too many attempts; retry later                               HTTP 429, exit 11
    kInternal,            // a defect in isms                                             HTTP 500, exit 70
};

// One problem with one field, line or column of the input.
struct ErrorDetail {
    std::string field;                 // field name or JSON pointer ("" when not field-specific)
    std::string message;               // what is wrong with it
    std::vector<std::string> allowed;  // the accepted values, when there is a closed set
    int line = 0;                      // 1-based line in an imported file (0 = not applicable)
    int column = 0;                    // 1-based column in a query or file (0 = not applicable)
};

class Error : public std::runtime_error {
public:
    Error(ErrorCode code, std::string message, std::vector<ErrorDetail> details = {})
        : std::runtime_error(message), code_(code), details_(std::move(details)) {}

    ErrorCode code() const { return code_; }
    const std::vector<ErrorDetail>& details() const { return details_; }

    static Error InvalidInput(std::string msg, std::vector<ErrorDetail> d = {}) {
        return {ErrorCode::kInvalidInput, std::move(msg), std::move(d)};
    }
    static Error NotFound(std::string msg) { return {ErrorCode::kNotFound, std::move(msg)}; }
    static Error Conflict(std::string msg, std::vector<ErrorDetail> d = {}) {
        return {ErrorCode::kConflict, std::move(msg), std::move(d)};
    }
    static Error Forbidden(std::string msg) { return {ErrorCode::kForbidden, std::move(msg)}; }
    static Error Unauthenticated(std::string msg) { return {ErrorCode::kUnauthenticated, std::move(msg)}; }
    static Error Unavailable(std::string msg) { return {ErrorCode::kUnavailable, std::move(msg)}; }
    static Error Internal(std::string msg) { return {ErrorCode::kInternal, std::move(msg)}; }

private:
    ErrorCode code_;
    std::vector<ErrorDetail> details_;
};

// Stable machine name of a code: "invalid_input", "not_found", … (used in problem+json "code" and logs).
std::string_view ErrorCodeName(ErrorCode code);
// HTTP status for a code.
int HttpStatus(ErrorCode code);
// Process exit code for a code (documented in docs/cli.md).
int ExitCode(ErrorCode code);

// 1-based line and column (in bytes) of a byte offset of `text`, for error details that point into an input.
std::pair<int, int> LineColumn(std::string_view text, size_t byte);

}  // namespace isms
