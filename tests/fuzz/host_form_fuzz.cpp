// The host's form reading: Poco::Net::HTMLForm loaded from a POST body as the host's
// login, logout and CSRF checks load it (urlencoded or multipart, file parts skipped).
// The host catches Poco::Exception only; anything else escaping the parser is a crash here.
// Input: "<Content-Type header value>\n<body>".
#include "FuzzSupport.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/NameValueCollection.h>

#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto [contentType, body] = sac::fuzz::splitFirstLine(sac::fuzz::bytes(data, size));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/login", Poco::Net::HTTPMessage::HTTP_1_1);
    try {
        request.setContentType(std::string(contentType));
    } catch (const Poco::Exception&) {
        return 0;
    }
    // Poco's defaults, the host's field limit, and a value length limit too.
    struct Limits {
        int fields;
        int valueLength;
    };
    for (const Limits limits : {Limits{0, 0}, Limits{32, 0}, Limits{8, 256}}) {
        try {
            Poco::Net::HTMLForm form;
            if (limits.fields) form.setFieldLimit(limits.fields);
            if (limits.valueLength) form.setValueLengthLimit(limits.valueLength);
            std::istringstream in{std::string(body)};
            form.load(request, in);
            const Poco::Net::NameValueCollection fields(form);
            (void)form.get("login", "");
            (void)form.get("_csrf", "");
            if (limits.fields) SAC_FUZZ_CHECK(fields.size() <= static_cast<std::size_t>(limits.fields));
        } catch (const Poco::Exception&) {
        }
    }
    return 0;
}
