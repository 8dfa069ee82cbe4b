// The module's application/x-www-form-urlencoded reader (query strings and POST bodies),
// with the default limits and with small ones.
#include "FuzzSupport.h"

#include "web/Request.h"

using namespace sac::web;

namespace {

void run(std::string_view text, const FormLimits& limits) {
    Params out;
    if (parseUrlEncoded(text, limits, out)) return;
    SAC_FUZZ_CHECK(text.size() <= limits.maxBytes);
    SAC_FUZZ_CHECK(out.size() <= limits.maxPairs);
    for (const auto& [key, value] : out) {
        SAC_FUZZ_CHECK(key.size() <= limits.maxKeyBytes);
        SAC_FUZZ_CHECK(value.size() <= limits.maxValueBytes);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = sac::fuzz::bytes(data, size);
    run(text, FormLimits{});
    FormLimits small;
    small.maxBytes = 512;
    small.maxPairs = 4;
    small.maxKeyBytes = 8;
    small.maxValueBytes = 16;
    run(text, small);

    // The same text as a request's query and urlencoded body.
    const std::string query(text.substr(0, text.find('\0')));
    const sac_user anonymous{};
    sac_request req{};
    req.user = &anonymous;
    req.method = "POST";
    req.path = "/sac/cases";
    req.query = query.c_str();
    req.content_type = "application/x-www-form-urlencoded; charset=UTF-8";
    req.body = reinterpret_cast<const char*>(data);
    req.body_len = size;
    Request view(req, small);
    if (view.parseError().empty()) (void)view.form("_csrf");
    return 0;
}
