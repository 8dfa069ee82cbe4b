// The iconv wrapper and every path a charset takes through the mail parser: text parts,
// RFC 2047 encoded words and RFC 2231 parameters. Test bytes are produced here with
// iconv(3) from UTF-8 text, never typed in by hand.
#include "sac/amazon/CharsetConverter.h"
#include "sac/amazon/HtmlText.h"
#include "sac/amazon/MailMessage.h"
#include "sac/amazon/TextDecoding.h"

#include <gtest/gtest.h>

#include <iconv.h>

#include <stdexcept>

using namespace sac::amazon;
using sac::connectors::ErrorKind;

namespace {

/// `utf8` in `charset`, by iconv (the test's own encoder).
std::string encode(const std::string& utf8, const char* charset) {
    const iconv_t cd = iconv_open(charset, "UTF-8");
    if (cd == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error(std::string("iconv cannot write ") + charset);
    std::string out(utf8.size() * 4 + 16, '\0');
    char* in = const_cast<char*>(utf8.data());
    std::size_t inLeft = utf8.size();
    char* o = out.data();
    std::size_t oLeft = out.size();
    const std::size_t rc = iconv(cd, &in, &inLeft, &o, &oLeft);
    const std::size_t rc2 = iconv(cd, nullptr, nullptr, &o, &oLeft);  // back to the initial shift state
    iconv_close(cd);
    if (rc == static_cast<std::size_t>(-1) || rc2 == static_cast<std::size_t>(-1))
        throw std::runtime_error(std::string("iconv cannot write the text in ") + charset);
    out.resize(out.size() - oLeft);
    return out;
}

std::string base64(const std::string& bytes) {
    static const char* const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                           static_cast<unsigned char>(bytes[i + 2]);
        for (int k = 18; k >= 0; k -= 6) out.push_back(abc[(v >> k) & 63]);
    }
    if (i + 1 == bytes.size()) {
        const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        out += {abc[(v >> 18) & 63], abc[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == bytes.size()) {
        const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
        out += {abc[(v >> 18) & 63], abc[(v >> 12) & 63], abc[(v >> 6) & 63], '='};
    }
    return out;
}

std::string percent(const std::string& bytes) {
    std::string out;
    for (unsigned char c : bytes) {
        out += '%';
        out += "0123456789ABCDEF"[c >> 4];
        out += "0123456789ABCDEF"[c & 15];
    }
    return out;
}

std::string qWord(const std::string& bytes, const std::string& label) {
    std::string out = "=?" + label + "?Q?";
    for (unsigned char c : bytes) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) out += static_cast<char>(c);
        else {
            out += '=';
            out += "0123456789ABCDEF"[c >> 4];
            out += "0123456789ABCDEF"[c & 15];
        }
    }
    return out + "?=";
}

std::string bWord(const std::string& bytes, const std::string& label) {
    return "=?" + label + "?B?" + base64(bytes) + "?=";
}

struct Sample {
    const char* iconvName;  ///< how the test writes it
    const char* label;      ///< how a message names it
    const char* text;       ///< UTF-8
};

// Every charset the corpus of forwarded answers uses, under the labels mail clients write.
const Sample kSamples[] = {
    {"ISO-2022-JP", "ISO-2022-JP", "ケースID：5012345678 紛失した在庫の払い戻し"},
    {"SHIFT_JIS", "Shift_JIS", "ケース ５０２３４５６７８９ 払い戻しが完了しました"},
    {"SHIFT_JIS", "x-sjis", "お問い合わせありがとうございます"},
    {"CP932", "windows-31j", "①㈱ 払い戻し №5"},
    {"EUC-JP", "EUC-JP", "案件 5089012345 の件、承知しました"},
    {"EUC-KR", "EUC-KR", "케이스 ID 5034567890 - 환불 완료"},
    {"EUC-KR", "ks_c_5601-1987", "분실된 재고 2개에 대해 환불을 처리했습니다"},
    {"CP949", "ks_c_5601-1987", "똠방각하 (UHC only)"},
    {"GB2312", "gb2312", "案件 5045678901 的回复，我们已办理赔偿"},
    {"GBK", "gb2312", "张喆、朱镕 (GBK only, labelled gb2312)"},
    {"GBK", "GBK", "个案 5045678901"},
    {"GB18030", "GB18030", "案例 5045678901 𠀀 (four-byte)"},
    {"BIG5", "Big5", "個案編號：5056789012 許功蓋"},
    {"CP950", "big5", "個案 5056789012 €"},
    {"ISO-8859-2", "ISO-8859-2", "Případ 5067890123: Příliš žluťoučký kůň; Árvíztűrő tükörfúrógép"},
    {"ISO-8859-2", "latin2", "Zażółć gęślą jaźń"},
    {"CP1250", "windows-1250", "Zgłoszenie 5078901234 – zwrot środków „ok”"},
    {"CP1250", "cp1250", "Esetazonosító: 5090123456 – visszatérítés"},
    {"ISO-8859-8", "iso-8859-8-i", "מקרה 5012345678"},
    {"CP1254", "iso-8859-9", "Vaka 5012345678 için iade"},
    {"CP1256", "windows-1256", "الحالة 5012345678"},
    {"KOI8-R", "koi8-r", "Случай 5012345678"},
};

} // namespace

TEST(CharsetConverter, OpensWhatIconvKnowsAndRefusesTheRest) {
    EXPECT_TRUE(CharsetConverter::open("CP932"));
    EXPECT_TRUE(CharsetConverter::open("GB18030"));
    EXPECT_FALSE(CharsetConverter::open("X-KLINGON-8"));
    EXPECT_FALSE(CharsetConverter::open(""));
    EXPECT_FALSE(CharsetConverter::open("UTF-8//TRANSLIT"));
}

TEST(CharsetConverter, MovesOwnershipAndConvertsAgainFromTheInitialState) {
    auto c = CharsetConverter::open("ISO-2022-JP-2");
    ASSERT_TRUE(c);
    CharsetConverter moved = std::move(*c);
    const std::string jis = encode("日本語", "ISO-2022-JP-2");
    // Without its final escape the text ends in the two-byte mode; the next call starts over.
    const std::string open = jis.substr(0, jis.size() - 3);
    EXPECT_EQ(moved.toUtf8(open, 1000).text, "日本語");
    EXPECT_EQ(moved.toUtf8("abc", 1000).text, "abc");
    CharsetConverter other = std::move(*CharsetConverter::open("CP1250"));
    other = std::move(moved);  // the CP1250 descriptor is closed here
    EXPECT_EQ(other.toUtf8(jis, 1000).text, "日本語");
}

TEST(CharsetConverter, GrowsItsOutputInStepsAndStopsAtTheBound) {
    std::string utf8;
    for (int i = 0; i < 20000; ++i) utf8 += "払い戻し";
    const std::string sjis = encode(utf8, "SHIFT_JIS");
    auto c = CharsetConverter::open("CP932");
    ASSERT_TRUE(c);
    const auto all = c->toUtf8(sjis, sjis.size() * 4);
    EXPECT_FALSE(all.overflow);
    EXPECT_EQ(all.replaced, 0u);
    EXPECT_EQ(all.text, utf8);  // 160 000 bytes of Shift_JIS grow to 240 000 of UTF-8
    const auto cut = c->toUtf8(sjis, 1000);
    EXPECT_TRUE(cut.overflow);
    EXPECT_LE(cut.text.size(), 1000u);
    EXPECT_TRUE(isValidUtf8(cut.text));
    EXPECT_EQ(utf8.compare(0, cut.text.size(), cut.text), 0);
    EXPECT_TRUE(c->toUtf8(sjis, 0).overflow);
    EXPECT_EQ(c->toUtf8("", 0).text, "");
}

TEST(CharsetConverter, InvalidAndTruncatedSequencesBecomeReplacementCharacters) {
    auto c = CharsetConverter::open("CP932");
    ASSERT_TRUE(c);
    const std::string ok = encode("払い", "CP932");
    // 0xA0 is no Shift_JIS byte; a lone lead byte at the end is cut short.
    const auto r = c->toUtf8(ok + "\xA0" + ok + ok.substr(0, 1), 1000);
    EXPECT_EQ(r.replaced, 2u);
    EXPECT_EQ(r.text, "払い\xEF\xBF\xBD払い\xEF\xBF\xBD");
    // A lone surrogate in UTF-16: stepping over the whole two-byte unit keeps the "a" after it.
    auto utf16 = CharsetConverter::open("UTF-16LE");
    ASSERT_TRUE(utf16);
    const auto lone = utf16->toUtf8(std::string("\x00\xD8" "a\x00", 4), 100, 2);
    EXPECT_EQ(lone.replaced, 1u);
    EXPECT_EQ(lone.text, "\xEF\xBF\xBD" "a");
    auto viaLabel = charsetToUtf8(std::string("\x00\xD8" "a\x00", 4), "utf-16le");
    ASSERT_TRUE(viaLabel.ok());
    EXPECT_EQ(viaLabel.value(), "\xEF\xBF\xBD" "a");
}

TEST(CharsetConverter, LabelsAreCaseInsensitiveWithTheAliasesMailClientsUse) {
    const std::pair<const char*, const char*> names[] = {
        {"x-sjis", "CP932"},          {"Shift_JIS", "CP932"},        {"MS_Kanji", "CP932"},
        {"ks_c_5601-1987", "CP949"},  {"EUC-KR", "CP949"},           {"gb2312", "GB18030"},
        {"GBK", "GB18030"},           {"x-gbk", "GB18030"},          {"big5", "CP950"},
        {"Big5-HKSCS", "BIG5-HKSCS"}, {"iso-8859-8-i", "ISO-8859-8"}, {"ISO_8859-2:1987", "ISO-8859-2"},
        {"iso8859-2", "ISO-8859-2"},  {"iso88592", "ISO-8859-2"},    {"Windows-1250", "CP1250"},
        {"x-cp1250", "CP1250"},       {" \"euc-jp\" ", "EUC-JP-MS"}, {"utf-7", "UTF-7"},
        {"iso-2022-jp", "ISO-2022-JP"}, {"tis-620", "CP874"},        {"IBM866", "IBM866"}};
    for (const auto& [label, name] : names) {
        const auto got = iconvNameForCharset(label);
        ASSERT_TRUE(got) << label;
        EXPECT_EQ(*got, name) << label;
        EXPECT_TRUE(CharsetConverter::open(*got)) << label << ": iconv must know " << name;
    }
    // Every other alias names something this system's iconv opens.
    for (const char* label : {"csshiftjis", "windows-31j", "x-euc-jp", "cseuckr", "korean", "uhc", "chinese",
                              "euc-cn", "x-x-big5", "cp950", "latin5", "iso-8859-11", "windows-874", "logical",
                              "iso-8859-6-i", "latin3", "latin4", "latin6", "koi", "koi8-ru", "mac",
                              "x-mac-cyrillic", "cp1256", "windows-1251", "iso-8859-7", "utf-16le"}) {
        const auto got = iconvNameForCharset(label);
        ASSERT_TRUE(got) << label;
        EXPECT_TRUE(CharsetConverter::open(*got)) << label << " → " << *got;
    }
    for (const char* bad : {"", "utf-8//TRANSLIT", "a b", "x\ny", "../../etc/passwd", "\"\"",
                            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnop"})
        EXPECT_FALSE(iconvNameForCharset(bad)) << bad;
}

TEST(CharsetToUtf8, EveryCharsetOfTheCorpusDecodes) {
    for (const auto& s : kSamples) {
        const std::string bytes = encode(s.text, s.iconvName);
        ASSERT_NE(bytes, s.text) << s.label << ": the sample must not be plain UTF-8";
        auto r = charsetToUtf8(bytes, s.label);
        ASSERT_TRUE(r.ok()) << s.label << ": " << r.error().detail;
        EXPECT_EQ(r.value(), s.text) << s.label;
    }
}

TEST(CharsetToUtf8, Iso2022JpReadsTheMicrosoftRowsAndKatakanaLikeMailClients) {
    // The NEC row of CP932 ("①", JIS 0x2D21) and "亜" (0x3021) in the JIS X 0208 mode, then
    // JIS X 0201 katakana ("ｱ", ESC ( I), JIS Roman ("¥", ESC ( J) and a katakana run
    // between SO and SI: escape sequences written as the standard names them.
    const std::string text = "\x1B$B\x2D\x21\x30\x21\x1B(I\x31\x1B(J\x5C\x1B(B \x0E\x32\x0F!";
    auto r = charsetToUtf8(text, "iso-2022-jp");
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_EQ(r.value(), "①亜ｱ¥ ｲ!");
    // A line break leaves the two-byte mode (Outlook sometimes omits the ESC ( B).
    EXPECT_EQ(charsetToUtf8(encode("日本", "ISO-2022-JP").substr(0, 7) + "\nabc", "ISO-2022-JP").value(), "日本\nabc");
    // JIS X 0212 (ESC $ ( D) is ISO-2022-JP-2's: the text is read by iconv as such.
    const std::string jp2 = encode("丂 and 日本", "ISO-2022-JP-2");
    ASSERT_NE(jp2.find("\x1B$(D"), std::string::npos);
    EXPECT_EQ(charsetToUtf8(jp2, "iso-2022-jp").value(), "丂 and 日本");
}

TEST(CharsetToUtf8, UnknownCharsetsAndGarbageAreMalformedAFewBadBytesAreNot) {
    auto unknown = charsetToUtf8("abc", "x-klingon-8");
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().kind, ErrorKind::Malformed);
    EXPECT_NE(unknown.error().detail.find("unsupported charset \"x-klingon-8\""), std::string::npos);
    EXPECT_FALSE(charsetToUtf8("abc", "utf-8//IGNORE").ok());
    // Bytes that are no Shift_JIS at all (every second byte is a lone lead byte).
    std::string junk;
    for (int i = 0; i < 400; ++i) junk += "\xA0\x80";
    auto bad = charsetToUtf8(junk, "shift_jis");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().detail.find("expected text in charset \"shift_jis\""), std::string::npos)
        << bad.error().detail;
    // A message in ISO-2022-JP that is really 8-bit: rejected, not shown as garbage.
    EXPECT_FALSE(charsetToUtf8(encode("お問い合わせいただきありがとうございます", "EUC-JP"), "iso-2022-jp").ok());
    // One damaged character in a long text: replaced, the rest decoded.
    std::string text = encode("払い戻しを行いました。", "SHIFT_JIS");
    std::string longText;
    for (int i = 0; i < 20; ++i) longText += text;
    longText[4] = '\xA0';  // a byte no Shift_JIS text holds, instead of a lead byte
    auto some = charsetToUtf8(longText, "shift_jis");
    ASSERT_TRUE(some.ok()) << some.error().detail;
    EXPECT_NE(some.value().find("\xEF\xBF\xBD"), std::string::npos);
    EXPECT_NE(some.value().find("払い戻しを行いました。払い戻し"), std::string::npos);
    // UTF-8 and unlabelled 8-bit text keep their old reading (windows-1252 when not UTF-8).
    EXPECT_EQ(charsetToUtf8("caf\xE9", "unknown-8bit").value(), "café");
    EXPECT_EQ(charsetToUtf8("caf\xE9", "UTF-8").value(), "café");
}

TEST(EncodedWords, EveryCharsetInBAndQ) {
    for (const auto& s : kSamples) {
        const std::string bytes = encode(s.text, s.iconvName);
        auto b = decodeHeaderValue("Fwd: " + bWord(bytes, s.label));
        ASSERT_TRUE(b.ok()) << s.label << ": " << b.error().detail;
        EXPECT_EQ(b.value(), std::string("Fwd: ") + s.text) << s.label;
        auto q = decodeHeaderValue(qWord(bytes, s.label) + " (fwd)");
        ASSERT_TRUE(q.ok()) << s.label << ": " << q.error().detail;
        EXPECT_EQ(q.value(), std::string(s.text) + " (fwd)") << s.label;
    }
}

TEST(EncodedWords, ACharacterSplitAcrossAdjacentWordsComesOutWhole) {
    const std::string sjis = encode("ケース５０２３", "SHIFT_JIS");
    // Cut inside the second byte pair, so neither half decodes alone.
    const std::string split = bWord(sjis.substr(0, 3), "shift_jis") + "\t " + bWord(sjis.substr(3), "Shift_JIS");
    EXPECT_EQ(decodeHeaderValue(split).value(), "ケース５０２３");
    const std::string utf8 = "案件";
    EXPECT_EQ(decodeHeaderValue(qWord(utf8.substr(0, 2), "utf-8") + " " + qWord(utf8.substr(2), "UTF-8")).value(),
              "案件");
    const std::string gb = encode("个案编号", "GB18030");
    EXPECT_EQ(decodeHeaderValue(bWord(gb.substr(0, 1), "gb2312") + bWord(gb.substr(1), "gb2312")).value(), "个案编号");
    // Words in different charsets are decoded apart; blanks between words still go, text stays.
    const std::string ko = encode("케이스", "EUC-KR");
    EXPECT_EQ(decodeHeaderValue(bWord(ko, "euc-kr") + " " + bWord(sjis.substr(0, 6), "x-sjis") + " and " +
                                bWord(encode("ł", "CP1250"), "windows-1250"))
                  .value(),
              "케이스ケース and ł");
    // A cut that stays cut (the rest never comes) is one replacement character, not an error.
    EXPECT_EQ(decodeHeaderValue(bWord(sjis.substr(0, 3), "shift_jis") + " end").value(), "ケ\xEF\xBF\xBD end");
}

TEST(EncodedWords, UnknownCharsetsAreMalformedLookalikesAreText) {
    auto r = decodeHeaderValue("=?x-klingon?B?cWFwbGE=?=");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().detail.find("unsupported charset"), std::string::npos);
    // Not encoded words: no charset token, blanks in the charset, an unknown encoding.
    EXPECT_EQ(decodeHeaderValue("Why =? Q? not").value(), "Why =? Q? not");
    EXPECT_EQ(decodeHeaderValue("=?utf 8?Q?x?=").value(), "=?utf 8?Q?x?=");
    EXPECT_EQ(decodeHeaderValue("=?utf-8?X?x?=").value(), "=?utf-8?X?x?=");
    // Many openings without a close stay linear and literal.
    std::string many;
    for (int i = 0; i < 50000; ++i) many += "=?utf-8?Q?a";
    auto m = decodeHeaderValue(many);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m.value(), many);
}

TEST(EncodedWords, RawEightBitAndIso2022JpHeadersUseTheMessageCharset) {
    const std::string sjis = encode("ケース 5023456789 の回答", "SHIFT_JIS");
    EXPECT_EQ(decodeHeaderValue(sjis, "Shift_JIS").value(), "ケース 5023456789 の回答");
    const std::string jis = encode("ケース 5012345678", "ISO-2022-JP");
    EXPECT_EQ(decodeHeaderValue(jis).value(), "ケース 5012345678");  // escape sequences say ISO-2022-JP
    // Without a usable message charset: windows-1252, as before.
    EXPECT_EQ(decodeHeaderValue("Gr\xF6\xDF" "e", "x-klingon").value(), "Größe");
    EXPECT_EQ(decodeHeaderValue("Gr\xF6\xDF" "e").value(), "Größe");
}

TEST(Rfc2231, ExtendedValuesContinuationsAndCharsets) {
    auto utf = parseMimeHeaderValue("attachment; filename*=UTF-8''%E6%97%A5%E6%9C%AC.pdf");
    ASSERT_TRUE(utf.ok()) << utf.error().detail;
    EXPECT_EQ(utf.value().value, "attachment");
    EXPECT_EQ(utf.value().param("filename"), "日本.pdf");

    // Shift_JIS bytes over three segments, cut inside a character, with a literal tail.
    const std::string bytes = percent(encode("ケース回答", "SHIFT_JIS"));
    const std::string value = "attachment; filename*0*=shift_jis'ja'" + bytes.substr(0, 9) + "; filename*1*=" +
                              bytes.substr(9) + "; filename*2=\".eml\"; size=12";
    auto sj = parseMimeHeaderValue(value);
    ASSERT_TRUE(sj.ok()) << sj.error().detail;
    EXPECT_EQ(sj.value().param("filename"), "ケース回答.eml");
    EXPECT_EQ(sj.value().param("size"), "12");

    // Segments out of order, the RFC 2231 form preferred over the plain one.
    auto ko = parseMimeHeaderValue("text/plain; name=\"plain.txt\"; name*1*=" + percent(encode("스", "EUC-KR")) +
                                   "; name*0*=ks_c_5601-1987''" + percent(encode("케이", "EUC-KR")));
    ASSERT_TRUE(ko.ok()) << ko.error().detail;
    EXPECT_EQ(ko.value().param("name"), "케이스");

    // Encoded words in a quoted name (what many clients write); the boundary stays as written.
    auto q = parseMimeHeaderValue("multipart/mixed; boundary=\"=_a?b_=\"; name=\"" +
                                  bWord(encode("個案.pdf", "BIG5"), "big5") + "\"");
    ASSERT_TRUE(q.ok()) << q.error().detail;
    EXPECT_EQ(q.value().param("boundary"), "=_a?b_=");
    EXPECT_EQ(q.value().param("name"), "個案.pdf");

    // An unknown charset: malformed, but a file name that cannot be decoded is only left out.
    auto unknown = parseMimeHeaderValue("text/plain; format*=x-klingon''%41");
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.error().detail.find("in the format parameter"), std::string::npos);
    auto unnamed = parseMimeHeaderValue("attachment; filename*=x-klingon''%41; size=1");
    ASSERT_TRUE(unnamed.ok());
    EXPECT_EQ(unnamed.value().param("filename"), "");
    EXPECT_EQ(unnamed.value().param("size"), "1");
    EXPECT_EQ(parseMimeHeaderValue("a; name=\"=?x-klingon?Q?a?=\"").value().param("name"), "");
    // A charset without a language, and no charset at all (UTF-8, as unlabelled text).
    EXPECT_EQ(parseMimeHeaderValue("a; title*=iso-8859-2''%A3%F3d%BC").value().param("title"), "Łódź");
    EXPECT_EQ(parseMimeHeaderValue("a; title*=''%C3%A9").value().param("title"), "é");
    // Hostile: many segments and parameters are bounded; a huge index is ignored.
    std::string many = "attachment";
    for (int i = 0; i < 2000; ++i) many += "; filename*" + std::to_string(i) + "=x";
    auto bounded = parseMimeHeaderValue(many);
    ASSERT_TRUE(bounded.ok());
    EXPECT_EQ(bounded.value().param("filename"), std::string(256, 'x'));
    EXPECT_EQ(parseMimeHeaderValue("a; x*99999=1; x*0=2").value().param("x"), "2");
}

TEST(MailCharsets, PartsInDifferentCharsetsAndTheHtmlMetaCharset) {
    const std::string raw =
        "From: a@amazon.co.jp\r\nSubject: =?ISO-2022-JP?B?" + base64(encode("件名", "ISO-2022-JP")) +
        "?=\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
        "--b\r\nContent-Type: text/plain; charset=\"EUC-KR\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
        base64(encode("케이스 5034567890", "EUC-KR")) +
        "\r\n--b\r\nContent-Type: text/html\r\n\r\n<meta charset=\"gbk\">" + encode("<p>案件</p>", "GBK") +
        "\r\n--b\r\nContent-Type: application/pdf; name*=windows-1250''" + percent(encode("Zgłoszenie.pdf", "CP1250")) +
        "\r\nContent-Disposition: attachment\r\n\r\nJVBERi0=\r\n--b--\r\n";
    auto m = MailMessage::parse(raw);
    ASSERT_TRUE(m.ok()) << m.error().detail;
    EXPECT_EQ(m.value().subject, "件名");
    EXPECT_EQ(m.value().textBody, "케이스 5034567890");
    ASSERT_EQ(m.value().attachmentNames.size(), 1u);
    EXPECT_EQ(m.value().attachmentNames[0], "Zgłoszenie.pdf");

    EXPECT_EQ(htmlMetaCharset("<html><head><META http-equiv='Content-Type' content='text/html; charset=Shift_JIS'>"),
              "shift_jis");
    EXPECT_EQ(htmlMetaCharset("<meta charset=\"big5\"/>"), "big5");
    EXPECT_EQ(htmlMetaCharset("<p>charset=x</p>"), "");
    EXPECT_EQ(htmlMetaCharset(std::string(2000, ' ') + "<meta charset=gbk>"), "") << "only the first 1024 bytes";
    const std::string htmlOnly = "From: a@amazon.com\r\nContent-Type: text/html\r\n\r\n<meta charset=\"big5\"><p>" +
                                 encode("個案編號", "BIG5") + "</p>";
    EXPECT_EQ(MailMessage::parse(htmlOnly).value().textBody, "個案編號");
    // A meta charset iconv does not know: the part reads as unlabelled text.
    EXPECT_EQ(MailMessage::parse("From: a@b\r\nContent-Type: text/html\r\n\r\n<meta charset=x-klingon>caf\xE9")
                  .value()
                  .textBody,
              "café");
}

TEST(MailCharsets, AnUnknownCharsetOrGarbageInAPartIsMalformed) {
    auto unknown = MailMessage::parse("From: a@b\r\nContent-Type: text/plain; charset=x-mac-klingon\r\n\r\nqapla");
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().kind, ErrorKind::Malformed);
    EXPECT_NE(unknown.error().detail.find("unsupported charset \"x-mac-klingon\" in the text/plain part"),
              std::string::npos)
        << unknown.error().detail;
    std::string junk;
    for (int i = 0; i < 300; ++i) junk += "\x80\xFF";
    auto garbage = MailMessage::parse("From: a@b\r\nContent-Type: text/plain; charset=euc-kr\r\n\r\n" + junk);
    ASSERT_FALSE(garbage.ok());
    EXPECT_NE(garbage.error().detail.find("invalid byte sequences"), std::string::npos) << garbage.error().detail;
    auto param = MailMessage::parse("From: a@b\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
                                    "Content-Type: text/plain; charset*=x-klingon''utf-8\r\n\r\nx\r\n--b--\r\n");
    ASSERT_FALSE(param.ok());
    EXPECT_NE(param.error().detail.find("in the charset parameter of the Content-Type header"), std::string::npos)
        << param.error().detail;
    // An attachment whose name is in an unknown charset: the message is read, the name left out.
    auto named = MailMessage::parse("From: a@b\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
                                    "Content-Type: text/plain\r\n\r\nhello\r\n--b\r\n"
                                    "Content-Type: application/pdf\r\nContent-Disposition: attachment; "
                                    "filename*=x-klingon''%41\r\n\r\nx\r\n--b--\r\n");
    ASSERT_TRUE(named.ok()) << named.error().detail;
    EXPECT_EQ(named.value().textBody, "hello");
    EXPECT_TRUE(named.value().attachmentNames.empty());
}

TEST(TextDecoding, FoldsCaseBeyondAscii) {
    EXPECT_EQ(foldCaseUtf8("ZGŁOSZENIE Ärende İLETİLEN ПРИВЕТ Ůž ケース"), "zgłoszenie ärende iletilen привет ůž ケース");
    EXPECT_EQ(foldCaseUtf8("a\xFF" "B"), "a\xFF" "b");
}
