#include "sac/host/Csrf.h"

#include "sac/host/Tokens.h"

namespace sac::host {

bool isUnsafeMethod(std::string_view method) {
    return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

bool csrfTokenValid(std::string_view expected, std::string_view provided) {
    return tokensEqual(expected, provided);
}

} // namespace sac::host
