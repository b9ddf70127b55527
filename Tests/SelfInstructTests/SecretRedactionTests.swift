import Testing
@testable import SelfInstruct

@Suite struct SecretRedactionTests {
    @Test(arguments: [
        ("amqp://user:secret@localhost:5672/vhost", "amqp://user:***@localhost:5672/vhost"),
        ("amqp://u:pa/ss@h/", "amqp://u:***@h/"),
        ("postgresql://u:p?a#s@s@db:5432/x", "postgresql://u:***@db:5432/x"),
        ("postgresql://u@db/x", "postgresql://u@db/x"),
        ("postgresql://db/x?user=u&password=hunter2&sslmode=disable", "postgresql://db/x?user=u&password=***&sslmode=disable"),
        ("host=db password = 'a b\\' c' user=u", "host=db password = *** user=u"),
        ("host=db PASSWORD=x1 dbname=y", "host=db PASSWORD=***"+" dbname=y"),
        ("host=db mypassword=x1", "host=db mypassword=x1"),
        ("no secrets here", "no secrets here"),
    ] as [(String, String)])
    func passwordsNeverSurvive(input: String, expected: String) {
        #expect(SecretRedaction.redactingPasswords(in: input) == expected)
    }
}
