// Lexer: token kinds and spellings, positions, comments, and lexical errors.
#include <QtTest>

#include "compiler/lexer/lexer.h"

using cert::lexer::lex;
using cert::lexer::TokenKind;

namespace {

/// "Kind:text Kind:text ..." without the End token, using the token's own text.
QString kinds(const cert::lexer::LexResult& r) {
  QStringList out;
  for (const auto& t : r.tokens) {
    if (t.kind == TokenKind::End) break;
    QString k;
    switch (t.kind) {
      case TokenKind::Ident: k = "id"; break;
      case TokenKind::Int: k = "int"; break;
      case TokenKind::Float: k = "float"; break;
      case TokenKind::Error: k = "error"; break;
      default: k = cert::lexer::isKeyword(t.kind) ? "kw" : "p"; break;
    }
    out << k + ":" + QString::fromUtf8(t.text.data(), static_cast<int>(t.text.size()));
  }
  return out.join(' ');
}

}  // namespace

class TestLexer : public QObject {
  Q_OBJECT

 private slots:
  void tokens_data() {
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("shape header") << "def Shape as (Float l)"
                                  << "kw:def kw:Shape kw:as p:( kw:Float id:l p:)";
    QTest::newRow("primes in identifiers") << "x' lambda_prime'' _a1"
                                           << "id:x' id:lambda_prime'' id:_a1";
    QTest::newRow("two-char operators") << "<= >= == != -> < > = ! -"
                                        << "p:<= p:>= p:== p:!= p:-> p:< p:> p:= p:! p:-";
    QTest::newRow("numbers") << "0 12 3.25 1.5e3 2.0E-7 7.0e+2"
                             << "int:0 int:12 float:3.25 float:1.5e3 float:2.0E-7 float:7.0e+2";
    QTest::newRow("sign is an operator") << "x-1 -2" << "id:x p:- int:1 p:- int:2";
    QTest::newRow("prev_0 keyword, prev_2 identifier")
        << "prev_0 prev_1 prev_2 curr_list" << "kw:prev_0 kw:prev_1 id:prev_2 kw:curr_list";
    QTest::newRow("method on literal") << "1.map" << "int:1 p:. kw:map";
    QTest::newRow("metadata and In") << "n[last_layer] In z"
                                     << "id:n p:[ kw:last_layer p:] kw:In id:z";
    QTest::newRow("ZonoExp alias") << "ZonoExp" << "kw:ZonoExp";
    QTest::newRow("comment skipped") << "a // b c\nd" << "id:a id:d";
    QTest::newRow("slash is division") << "a / b" << "id:a p:/ id:b";
  }

  void tokens() {
    QFETCH(QString, input);
    QFETCH(QString, expected);
    const std::string text = input.toStdString();
    const auto r = lex(text);
    QVERIFY(r.diagnostics.empty());
    QCOMPARE(kinds(r), expected);
    QCOMPARE(r.tokens.back().kind, TokenKind::End);
  }

  void zonoExpReadsAsSymExp() {
    const auto r = lex("ZonoExp SymExp");
    QCOMPARE(r.tokens[0].kind, TokenKind::KwSymExp);
    QCOMPARE(r.tokens[1].kind, TokenKind::KwSymExp);
  }

  void positions() {
    const std::string text = "func f\n  (x)\r\n<=";
    const auto r = lex(text);
    QCOMPARE(r.tokens.size(), std::size_t(7));
    const auto& f = r.tokens[1].range;
    QCOMPARE(f.begin.line, 1);
    QCOMPARE(f.begin.col, 6);
    QCOMPARE(f.begin.offset, 5);
    QCOMPARE(f.end.offset, 6);
    const auto& paren = r.tokens[2].range;
    QCOMPARE(paren.begin.line, 2);
    QCOMPARE(paren.begin.col, 3);
    const auto& le = r.tokens[5].range;
    QCOMPARE(le.begin.line, 3);
    QCOMPARE(le.begin.col, 1);
    QCOMPARE(le.end.col, 3);
    QCOMPARE(r.tokens[6].range.begin.offset, static_cast<int>(text.size()));
  }

  void comments() {
    const auto r = lex("a // first\r\n// second\nb");
    QCOMPARE(r.comments.size(), std::size_t(2));
    QCOMPARE(QString::fromStdString(std::string(r.comments[0].text)), QString("// first"));
    QCOMPARE(r.comments[1].range.begin.line, 2);
    QCOMPARE(QString::fromStdString(std::string(r.comments[1].text)), QString("// second"));
  }

  void errors_data() {
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("col");
    QTest::newRow("ampersands") << "a && b" << "unexpected characters '&&' (write 'and')" << 3;
    QTest::newRow("pipe") << "a | b" << "unexpected character '|' (write 'or')" << 3;
    QTest::newRow("at sign") << "x @ y" << "unexpected character '@'" << 3;
    QTest::newRow("non-ASCII") << "caf\xc3\xa9 = 1"
                               << "unexpected byte 0xC3 (and 1 more); only ASCII is allowed "
                                  "outside comments"
                               << 4;
    QTest::newRow("NUL byte") << QString("a ") + QChar(0) + " b"
                              << "unexpected byte 0x00; only ASCII is allowed outside comments"
                              << 3;
    QTest::newRow("trailing point") << "x = 1. ;"
                                    << "invalid number '1.': a float needs digits after the point"
                                    << 5;
    QTest::newRow("leading point") << "x = .5"
                                   << "invalid number '.5': a float needs digits before the point"
                                   << 5;
    QTest::newRow("exponent without point")
        << "1e5" << "invalid number '1e5' (floats are written with a point and digits on both "
                    "sides, like 1.0e5)"
        << 1;
    QTest::newRow("digits then letters") << "12ab" << "invalid number '12ab' (floats are written "
                                                       "with a point and digits on both sides, "
                                                       "like 1.0e5)"
                                         << 1;
    QTest::newRow("integer too large") << "99999999999999999999"
                                       << "integer '99999999999999999999' is too large" << 1;
    QTest::newRow("block comment") << "a /* b\n c */ d"
                                   << "block comments ('/* */') are not part of ConstraintFlow; "
                                      "use '//'"
                                   << 3;
  }

  void errors() {
    QFETCH(QString, input);
    QFETCH(QString, message);
    QFETCH(int, col);
    const QByteArray bytes = input.toUtf8();
    const std::string text(bytes.constData(), static_cast<std::size_t>(bytes.size()));
    const auto r = lex(text);
    QCOMPARE(r.diagnostics.size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(r.diagnostics[0].message), message);
    QCOMPARE(r.diagnostics[0].range.begin.col, col);
    // The bad bytes become exactly one Error token, so the parser can stay quiet about them.
    int errorTokens = 0;
    for (const auto& t : r.tokens) errorTokens += t.kind == TokenKind::Error;
    QCOMPARE(errorTokens, 1);
  }

  void byteOrderMarkIsSkipped() {
    const auto r = lex("\xEF\xBB\xBF" "func");
    QVERIFY(r.diagnostics.empty());
    QCOMPARE(r.tokens[0].kind, TokenKind::KwFunc);
    QCOMPARE(r.tokens[0].range.begin.offset, 3);
  }

  void binaryGarbageIsOneDiagnosticPerRun() {
    std::string text;
    for (int i = 0; i < 256; ++i) text += static_cast<char>(0x80 + (i % 0x7f));
    const auto r = lex(text);
    QCOMPARE(r.diagnostics.size(), std::size_t(1));
    QCOMPARE(r.tokens.size(), std::size_t(2));
  }
};

QTEST_APPLESS_MAIN(TestLexer)
#include "tst_lexer.moc"
