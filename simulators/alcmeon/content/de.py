"""Customer-service phrases in German: what customers write and what agents answer, per intent and turn."""

# Placeholders as in en.py. {product} is a bare name, set in quotes after "Artikel", so no case ending
# depends on it.

PRODUCTS = (
    "Regenjacke Nova",
    "Rucksack Trek 30",
    "Kabellose Kopfhörer Aria",
    "Leinen-Bettbezug",
    "Espressomaschine Solo",
)

# A customer asking again before anyone answered, whatever the intent.
REMINDERS = (
    "Hallo? Ich warte immer noch auf eine Antwort.",
    "Gibt es schon Neuigkeiten?",
    "Kann sich bitte jemand bei mir melden?",
)

PHRASES = {
    "order_status": {
        "opening": (
            "Hallo, ich habe letzte Woche bestellt und seitdem nichts mehr gehört. Wo ist meine"
            " Bestellung {order}?",
            "Guten Tag! Gibt es Neuigkeiten zu meiner Bestellung {order}? Die Sendungsverfolgung steht"
            " seit zwei Tagen still.",
            "Hallo, könnten Sie bitte den Status der Bestellung {order} prüfen?",
            "Hi, wann wird meine Bestellung {order} verschickt? Ich brauche sie vor dem Wochenende.",
        ),
        "answer": (
            "Hallo {name}, danke für Ihre Geduld. Ihre Bestellung {order} hat gestern unser Lager"
            " verlassen und sollte innerhalb von {days} Werktagen bei Ihnen sein.",
            "Guten Tag {name}, ich habe nachgesehen: Die Bestellung {order} ist beim Versanddienst und"
            " kommt voraussichtlich in {days} Tagen. Den Link zur Sendungsverfolgung finden Sie in Ihrer"
            " Bestätigungsmail.",
            "Hallo {name}, Ihre Bestellung {order} wird gerade verpackt; sie geht heute raus und kommt in"
            " etwa {days} Tagen an.",
        ),
        "follow_up": (
            "Super, danke. Bekomme ich eine SMS, bevor der Bote kommt?",
            "Okay, danke. Kann sie stattdessen an eine Packstation gehen? Der Bote erreicht mich unter"
            " {phone}.",
            "Perfekt, mehr wollte ich nicht wissen.",
        ),
        "close": (
            "Ich habe einen Hinweis für den Versanddienst an Ihre Bestellung gehängt. Einen schönen Tag"
            " noch!",
            "Gern geschehen! Schreiben Sie uns einfach hier, falls sich etwas ändert.",
            "Freut mich, dass ich helfen konnte, {name}. Viel Freude mit Ihrer Bestellung!",
        ),
    },
    "late_delivery": {
        "opening": (
            "Meine Bestellung {order} sollte vor drei Tagen kommen und ist immer noch nicht da.",
            "Hallo, der Liefertermin für Bestellung {order} ist vorbei und vom Paket keine Spur.",
            "Ich warte immer noch auf Bestellung {order}… sie sollte am Montag ankommen.",
        ),
        "answer": (
            "Das tut mir leid, {name}. Der Versanddienst hat in Ihrer Region Verzögerungen; die"
            " Bestellung {order} wird jetzt innerhalb von {days} Tagen zugestellt.",
            "Entschuldigen Sie bitte, {name}. Die Bestellung {order} lag im Depot fest. Ich habe den"
            " Versanddienst um Vorrang gebeten, sie kommt innerhalb von {days} Tagen.",
            "Entschuldigung für die Verspätung, {name}. Ist die Bestellung {order} in {days} Tagen nicht"
            " da, schicken wir Ihnen kostenlos Ersatz.",
        ),
        "follow_up": (
            "Danke. Kann der Fahrer mich unter {phone} anrufen, wenn er in der Nähe ist?",
            "Okay. Es ist ein Geschenk, es muss diesmal wirklich ankommen.",
            "Na gut, dann warte ich noch ein paar Tage.",
        ),
        "close": (
            "Notiert, ich habe das an den Versanddienst weitergegeben. Danke für Ihr Verständnis!",
            "Verstanden. Ich behalte das Paket im Blick und melde mich, falls es wieder hängt.",
            "Danke für Ihre Geduld, {name}. Einen schönen Tag noch.",
        ),
    },
    "refund": {
        "opening": (
            "Hallo, ich habe den Artikel „{product}“ vor zwei Wochen zurückgeschickt und noch kein Geld"
            " zurückbekommen.",
            "Guten Tag, ich möchte eine Erstattung für Bestellung {order}; die Größe passt nicht.",
            "Wann bekomme ich mein Geld für Bestellung {order} zurück? Die Rücksendung kam letzten"
            " Dienstag bei Ihnen an.",
        ),
        "answer": (
            "Hallo {name}, Ihre Rücksendung ist angekommen und die Erstattung für Bestellung {order} ist"
            " unterwegs. Es dauert {days} Werktage, bis sie auf Ihrem Konto erscheint.",
            "Guten Tag {name}, ich habe die Erstattung für Bestellung {order} gerade freigegeben. Sie"
            " sehen sie innerhalb von {days} Werktagen auf der Karte, mit der Sie bezahlt haben.",
            "Danke, {name}. Ich habe die Erstattung für Bestellung {order} veranlasst; Sie bekommen eine"
            " E-Mail, sobald die Bank sie bearbeitet hat.",
        ),
        "follow_up": (
            "Danke. Können Sie die Bestätigung an {email} schicken?",
            "Gut. Werden die Versandkosten auch erstattet?",
            "Danke, da bin ich erleichtert.",
        ),
        "close": (
            "Erledigt, die Bestätigung ist unterwegs. Kann ich sonst noch etwas für Sie tun?",
            "Ja, der volle Betrag inklusive Versand wird erstattet. Einen schönen Tag!",
            "Gern geschehen, {name}. Danke für Ihren Einkauf bei uns.",
        ),
    },
    "product_question": {
        "opening": (
            "Hallo, ist der Artikel „{product}“ wieder auf Lager? Online ist er schon länger nicht"
            " verfügbar.",
            "Guten Tag, wie lange ist die Garantie auf den Artikel „{product}“?",
            "Kurze Frage: Kann ich den Artikel „{product}“ zurückgeben, wenn er mir nicht gefällt?",
        ),
        "answer": (
            "Hallo {name}, der Artikel „{product}“ ist wieder auf Lager und wird innerhalb von {days}"
            " Tagen verschickt.",
            "Guten Tag {name}, auf den Artikel „{product}“ gibt es zwei Jahre Garantie, und Sie können"
            " ihn 30 Tage lang zurückgeben.",
            "Gute Frage, {name}! Sie können ihn innerhalb von 30 Tagen kostenlos zurückschicken, unbenutzt"
            " und in der Originalverpackung.",
        ),
        "follow_up": (
            "Perfekt, dann bestelle ich heute noch.",
            "Danke! Gibt es ihn auch in einer anderen Farbe?",
            "Gut zu wissen, vielen Dank.",
        ),
        "close": (
            "Gern geschehen. Viel Freude damit!",
            "Alle verfügbaren Farben finden Sie auf der Produktseite. Einen schönen Tag!",
            "Jederzeit, {name}. Melden Sie sich gern, wenn Sie weitere Fragen haben.",
        ),
    },
    "complaint": {
        "opening": (
            "Meine Bestellung {order} ist beschädigt angekommen. Ich bin wirklich enttäuscht.",
            "Ich bin gar nicht zufrieden: Mir wurde die Bestellung {order} zweimal abgebucht.",
            "Ihr Bote hat mein Paket in den Regen gestellt, jetzt ist alles durchnässt.",
        ),
        "answer": (
            "Das tut mir sehr leid, {name}, so soll es nicht sein. Ich habe Ersatz veranlasst, der"
            " innerhalb von {days} Tagen verschickt wird.",
            "Entschuldigen Sie bitte, {name}. Ich habe die Bestellung {order} geprüft und die doppelte"
            " Abbuchung erstattet; sie erscheint innerhalb von {days} Werktagen.",
            "Das tut mir wirklich leid, {name}. Können Sie uns ein Foto schicken? Dann ersetzen wir den"
            " Artikel sofort.",
        ),
        "follow_up": (
            "Okay, danke, dass das so schnell geklärt wurde.",
            "Gut, aber diesmal erwarte ich, dass alles stimmt.",
            "Ich habe das Foto gerade geschickt. Muss ich den beschädigten Artikel zurücksenden?",
        ),
        "close": (
            "Verstanden. Ich habe Ihre Bestellung markiert, damit sie vor dem Versand geprüft wird.",
            "Danke für Ihren Hinweis, und nochmals Entschuldigung für die Umstände.",
            "Danke für Ihre Geduld, {name}. Sie müssen nichts zurückschicken.",
        ),
    },
    "thanks": {
        "opening": (
            "Ich wollte mich nur bedanken, meine Bestellung kam einen Tag früher!",
            "Danke für die Hilfe gestern, jetzt funktioniert alles.",
            "Ich bin begeistert von meinem neuen Artikel „{product}“, danke!",
        ),
        "answer": (
            "Vielen Dank für Ihre lieben Worte, {name}! Das freut uns sehr.",
            "Schön zu hören, {name}. Danke, dass Sie uns Bescheid geben!",
            "Das sind tolle Neuigkeiten, {name}! Viel Freude damit.",
        ),
        "follow_up": (
            "Ich bestelle bestimmt wieder.",
            "Einen schönen Tag noch!",
            "Nochmals danke!",
        ),
        "close": (
            "Wir freuen uns darauf. Alles Gute!",
            "Ihnen auch, {name}!",
            "Immer gern. Bis bald!",
        ),
    },
}
