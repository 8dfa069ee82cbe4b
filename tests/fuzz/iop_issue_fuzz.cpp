// AliExpress IOP answers of the dispute methods: IopClient::interpret (JSON parsing and
// the error mapping) and the IssueApi readers (list, detail, confirmation, upload), which
// go through the typed JSON readers, Pacific times and money amounts.
#include "FuzzSupport.h"

#include "sac/aliexpress/IopClient.h"
#include "sac/aliexpress/IssueApi.h"

using namespace sac::aliexpress;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    sac::connectors::HttpResponse response;
    response.status = 200;
    response.body = std::string(sac::fuzz::bytes(data, size));
    // Error answers come with other statuses too; the mapping must not depend on a 200.
    for (int status : {200, 400, 429, 503}) {
        response.status = status;
        response.headers = {{"Retry-After", response.body.substr(0, 24)}};
        auto doc = IopClient::interpret(IssueApi::kListMethod, response);
        if (!doc) {
            SAC_FUZZ_CHECK(!doc.error().message.empty());
            continue;
        }
        const auto& d = doc.value();
        if (auto page = IssueApi::parseIssueList(d)) {
            SAC_FUZZ_CHECK(page.value().items.size() <= size);
        }
        (void)IssueApi::parseIssueDetail(d, 6346213853171470);
        (void)IssueApi::parseConfirmation(d, IssueApi::kAgreeMethod);
        (void)IssueApi::parseConfirmation(d, IssueApi::kSaveMethod);
        (void)IssueApi::parseUploadResult(d);
    }
    return 0;
}
