// Form checks of the handling: multipart bodies, image sniffing, e-mail,
// UTF-8 lengths and idempotency keys.
#include <gtest/gtest.h>

#include "storage/CaseActionRepository.h"
#include "services/FormChecks.h"
#include "web/FormData.h"

namespace {

using namespace sac;

std::string body(const std::string& b, const std::string& noteValue, const std::string& fileBytes) {
    return "--" + b + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc\r\n" +
           "--" + b + "\r\nContent-Disposition: form-data; name=\"confirm\"\r\n\r\n1\r\n" +
           "--" + b + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n" + noteValue + "\r\n" +
           "--" + b + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"C:\\\\fotos\\\\prova.png\"\r\n" +
           "Content-Type: image/png\r\n\r\n" + fileBytes + "\r\n--" + b + "--\r\n";
}

TEST(FormData, ReadsFieldsAndFilesOfAMultipartBody) {
    const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(10, '\0') + "tail";
    auto f = web::FormData::parseMultipart("multipart/form-data; boundary=----XyZ",
                                           body("----XyZ", "Cliente já recebeu o produto certo.", png));
    ASSERT_TRUE(f) << f.error();
    EXPECT_EQ(f.value().field("confirm").value_or(""), "1");
    EXPECT_EQ(f.value().field("note").value_or(""), "Cliente já recebeu o produto certo.");
    const auto* file = f.value().file("image");
    ASSERT_NE(file, nullptr);
    EXPECT_EQ(file->bytes, png);
    EXPECT_EQ(file->fileName.find('\\'), std::string::npos);
    EXPECT_FALSE(f.value().fileTooLarge("image"));
}

TEST(FormData, FlagsAFileOverTheLimitAndRefusesBrokenBodies) {
    web::MultipartLimits limits;
    limits.maxFileBytes = 16;
    auto f = web::FormData::parseMultipart("multipart/form-data; boundary=b", body("b", "x", std::string(100, 'a')),
                                           limits);
    ASSERT_TRUE(f);
    EXPECT_TRUE(f.value().fileTooLarge("image"));
    EXPECT_FALSE(web::FormData::parseMultipart("multipart/form-data", body("b", "x", "y")));
    EXPECT_FALSE(web::FormData::parseMultipart("multipart/form-data; boundary=b", "--b\r\nno headers"));
}

TEST(FormChecks, SniffsImagesByContentNotByName) {
    const auto jpeg = services::sniffImage(std::string("\xFF\xD8\xFF\xE0", 4));
    ASSERT_TRUE(jpeg);
    EXPECT_EQ(jpeg->mimeType, "image/jpeg");
    const auto png = services::sniffImage(std::string("\x89PNG\r\n\x1a\n", 8));
    ASSERT_TRUE(png);
    EXPECT_EQ(png->extension, "png");
    const auto webp = services::sniffImage(std::string("RIFF\x10\0\0\0WEBPVP8 ", 16));
    ASSERT_TRUE(webp);
    EXPECT_EQ(webp->extension, "webp");
    EXPECT_FALSE(services::sniffImage("GIF89a......"));
    EXPECT_FALSE(services::sniffImage("<svg onload=alert(1)>"));
    EXPECT_FALSE(services::sniffImage(std::string("\x89PNG", 4)));
    EXPECT_FALSE(services::sniffImage(""));
}

TEST(FormChecks, EmailSyntax) {
    for (const char* ok : {"vendas@loja.com.br", "a.b+c@x-y.example", "joão@exemplo.com.br"})
        EXPECT_TRUE(services::plausibleEmail(ok)) << ok;
    for (const char* bad : {"", "semarroba", "a@b", "@loja.com", "a@@loja.com", "a b@loja.com", "a@-loja.com",
                            "a@loja..com", "a@loja.com.", "<a>@loja.com"})
        EXPECT_FALSE(services::plausibleEmail(bad)) << bad;
    EXPECT_FALSE(services::plausibleEmail(std::string(250, 'a') + "@x.com"));
}

TEST(FormChecks, Utf8LengthTrimAndTruncate) {
    EXPECT_EQ(services::utf8Length("ação"), 4u);
    EXPECT_FALSE(services::utf8Length(std::string("\xC3", 1)));
    EXPECT_EQ(services::trimmed("  x y \n"), "x y");
    EXPECT_EQ(services::truncateUtf8("ação", 2), "a");
    EXPECT_EQ(services::truncateUtf8("abc", 10), "abc");
}

TEST(CaseActionRepository, KeysAreBoundedTokens) {
    EXPECT_TRUE(storage::CaseActionRepository::validKey("0123456789abcdef"));
    EXPECT_TRUE(storage::CaseActionRepository::validKey("agree-key_0000000001"));
    EXPECT_FALSE(storage::CaseActionRepository::validKey("short"));
    EXPECT_FALSE(storage::CaseActionRepository::validKey(std::string(65, 'a')));
    EXPECT_FALSE(storage::CaseActionRepository::validKey("0123456789abcdef'; --"));
}

} // namespace
