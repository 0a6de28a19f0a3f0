#include "isms/core/error.hpp"

namespace isms {

std::string_view ErrorCodeName(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidInput: return "invalid_input";
        case ErrorCode::kNotFound: return "not_found";
        case ErrorCode::kConflict: return "conflict";
        case ErrorCode::kForbidden: return "forbidden";
        case ErrorCode::kUnauthenticated: return "unauthenticated";
        case ErrorCode::kUnavailable: return "unavailable";
        case ErrorCode::kPreconditionFailed: return "precondition_failed";
        case ErrorCode::kTooLarge: return "too_large";
        case ErrorCode::kRateLimited: return "rate_limited";
        case ErrorCode::kInternal: return "internal";
    }
    return "internal";
}

int HttpStatus(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidInput: return 400;
        case ErrorCode::kNotFound: return 404;
        case ErrorCode::kConflict: return 409;
        case ErrorCode::kForbidden: return 403;
        case ErrorCode::kUnauthenticated: return 401;
        case ErrorCode::kUnavailable: return 503;
        case ErrorCode::kPreconditionFailed: return 412;
        case ErrorCode::kTooLarge: return 413;
        case ErrorCode::kRateLimited: return 429;
        case ErrorCode::kInternal: return 500;
    }
    return 500;
}

int ExitCode(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidInput: return 3;
        case ErrorCode::kNotFound: return 4;
        case ErrorCode::kConflict: return 5;
        case ErrorCode::kForbidden: return 6;
        case ErrorCode::kUnauthenticated: return 7;
        case ErrorCode::kUnavailable: return 8;
        case ErrorCode::kPreconditionFailed: return 9;
        case ErrorCode::kTooLarge: return 10;
        case ErrorCode::kRateLimited: return 11;
        case ErrorCode::kInternal: return 70;
    }
    return 70;
}

std::pair<int, int> LineColumn(std::string_view text, size_t byte) {
    int line = 1, column = 1;
    for (size_t i = 0; i < byte && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

}  // namespace isms
