#pragma once

#include <string>
#include <string_view>

namespace sac::amazon {

/// Turns HTML (UTF-8) into plain text: drops comments, <script>, <style>, <head> and every
/// tag; block elements (br, p, div, tr, li, h1-h6, table) become line breaks; character
/// references (named, decimal, hex) are decoded; runs of blanks collapse. The result holds
/// no markup that a browser would interpret, so it may be shown escaped as ordinary text.
/// Pure and thread-safe; linear in the input size.
std::string htmlToText(std::string_view html);

/// Decodes HTML character references in `text` (unknown references are kept literally).
std::string decodeHtmlEntities(std::string_view text);

/// The charset an HTML document declares within its first 1024 bytes, as browsers prescan:
/// <meta charset="shift_jis"> or <meta http-equiv="Content-Type" content="text/html;
/// charset=gb2312">. Empty when there is none. Reads at most 1024 bytes.
std::string htmlMetaCharset(std::string_view html);

} // namespace sac::amazon
