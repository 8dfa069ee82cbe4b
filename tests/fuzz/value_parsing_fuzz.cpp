// The small value readers under the report, mail and IOP parsers: ISO 8601, US and
// RFC 5322 dates, AliExpress Pacific times and decimal money amounts.
// Input: "<currency>\n<text>"; the date readers also see the whole input.
#include "FuzzSupport.h"

#include "sac/aliexpress/PacificTime.h"
#include "sac/amazon/TimeParsing.h"
#include "sac/connectors/Money.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto in = sac::fuzz::bytes(data, size);
    const auto [currency, text] = sac::fuzz::splitFirstLine(in);
    for (auto s : {in, text}) {
        if (auto ms = sac::amazon::parseIsoUtcMs(s)) (void)sac::amazon::formatUtcDate(*ms);
        if (auto ms = sac::amazon::parseUsDateUtcMs(s)) (void)sac::amazon::formatUtcDate(*ms);
        if (auto ms = sac::amazon::parseRfc5322DateUtcMs(s)) (void)sac::amazon::formatUtcDate(*ms);
        if (auto pt = sac::aliexpress::PacificTime::parseToUtcMs(s); pt && pt.value()) {
            const std::int64_t ms = *pt.value();
            const std::string back = sac::aliexpress::PacificTime::formatFromUtcMs(ms);
            (void)sac::aliexpress::PacificTime::offsetMinutesAt(ms);
            SAC_FUZZ_CHECK(back.size() == 19);
        }
    }
    if (auto money = sac::connectors::Money::parse(text, currency)) {
        const auto& m = money.value();
        auto again = sac::connectors::Money::parse(m.toDecimalString(), m.currency);
        SAC_FUZZ_CHECK(again && again.value() == m);
    }
    return 0;
}
