"""Customer-service phrases in Italian: what customers write and what agents answer, per intent and turn."""

# Placeholders as in en.py. {product} is a bare name, set in quotes after "articolo", so no article or
# preposition has to agree with it.

PRODUCTS = (
    "Giacca antipioggia Nova",
    "Zaino Trek 30",
    "Auricolari wireless Aria",
    "Copripiumino in lino",
    "Macchina per espresso Solo",
)

# A customer asking again before anyone answered, whatever the intent.
REMINDERS = (
    "Ciao? Sto ancora aspettando una risposta.",
    "Ci sono novità, per favore?",
    "Qualcuno può rispondermi, per favore?",
)

PHRASES = {
    "order_status": {
        "opening": (
            "Ciao, ho fatto un ordine la settimana scorsa e da allora non so più nulla. A che punto è"
            " l'ordine {order}?",
            "Buongiorno! Ci sono novità sul mio ordine {order}? Il tracciamento è fermo da due giorni.",
            "Salve, potreste controllare lo stato dell'ordine {order}, per favore?",
            "Ciao, quando verrà spedito il mio ordine {order}? Mi serve prima del fine settimana.",
        ),
        "answer": (
            "Ciao {name}, grazie per la pazienza. Il tuo ordine {order} è partito ieri dal nostro"
            " magazzino e dovrebbe arrivare entro {days} giorni lavorativi.",
            "Buongiorno {name}, ho verificato: l'ordine {order} è già al corriere e arriverà in circa"
            " {days} giorni. Trovi il link di tracciamento nell'e-mail di conferma.",
            "Ciao {name}, stiamo preparando il tuo ordine {order}: parte oggi e arriverà in circa {days}"
            " giorni.",
        ),
        "follow_up": (
            "Ottimo, grazie. Riceverò un SMS prima della consegna?",
            "Va bene, grazie. Si può consegnare in un punto di ritiro? Il corriere mi trova al {phone}.",
            "Perfetto, era tutto ciò che volevo sapere.",
        ),
        "close": (
            "Ho aggiunto una nota all'ordine per il corriere. Buona giornata!",
            "Figurati! Scrivici pure qui se cambia qualcosa.",
            "Felici di esserti stati d'aiuto, {name}. Goditi il tuo acquisto!",
        ),
    },
    "late_delivery": {
        "opening": (
            "Il mio ordine {order} doveva arrivare tre giorni fa e non è ancora arrivato.",
            "Salve, la data di consegna dell'ordine {order} è passata e del pacco non c'è traccia.",
            "Sto ancora aspettando l'ordine {order}… doveva arrivare lunedì.",
        ),
        "answer": (
            "Mi dispiace per l'attesa, {name}. Il corriere ha dei ritardi nella tua zona; l'ordine"
            " {order} sarà consegnato entro {days} giorni.",
            "Ci scusiamo, {name}. L'ordine {order} era fermo al deposito. Ho chiesto al corriere di dargli"
            " la priorità: arriverà entro {days} giorni.",
            "Scusa il ritardo, {name}. Se l'ordine {order} non arriva entro {days} giorni, te ne"
            " spediamo un altro gratuitamente.",
        ),
        "follow_up": (
            "Grazie. Il corriere può chiamarmi al {phone} quando è vicino?",
            "D'accordo. È un regalo, quindi spero che stavolta arrivi davvero.",
            "Va bene, aspetterò ancora qualche giorno.",
        ),
        "close": (
            "Preso nota, l'ho comunicato al corriere. Grazie per la comprensione!",
            "Capito. Tengo d'occhio il pacco e ti riscrivo se si blocca di nuovo.",
            "Grazie per la pazienza, {name}. Buona giornata.",
        ),
    },
    "refund": {
        "opening": (
            "Ciao, ho restituito l'articolo «{product}» due settimane fa e non ho ancora ricevuto il"
            " rimborso.",
            "Buongiorno, vorrei il rimborso dell'ordine {order}: la taglia non mi va bene.",
            "Quando riceverò il rimborso dell'ordine {order}? Il reso vi è arrivato martedì scorso.",
        ),
        "answer": (
            "Ciao {name}, abbiamo ricevuto il tuo reso e il rimborso dell'ordine {order} è in corso."
            " Servono {days} giorni lavorativi perché compaia sul tuo estratto conto.",
            "Buongiorno {name}, ho appena approvato il rimborso dell'ordine {order}. Lo vedrai entro"
            " {days} giorni lavorativi sulla carta usata per il pagamento.",
            "Grazie {name}. Ho avviato il rimborso dell'ordine {order}; riceverai un'e-mail appena la"
            " banca lo avrà elaborato.",
        ),
        "follow_up": (
            "Grazie. Potete mandare la conferma a {email}?",
            "Bene. Verranno rimborsate anche le spese di spedizione?",
            "Grazie, questo mi rassicura.",
        ),
        "close": (
            "Fatto, la conferma è in arrivo. Posso aiutarti in qualcos'altro?",
            "Sì, ti rimborsiamo l'intero importo, spedizione compresa. Buona giornata!",
            "Di niente, {name}. Grazie per aver scelto noi.",
        ),
    },
    "product_question": {
        "opening": (
            "Ciao, l'articolo «{product}» è di nuovo disponibile? Online risulta esaurito da un po'.",
            "Buongiorno, che garanzia ha l'articolo «{product}»?",
            "Domanda veloce: posso restituire l'articolo «{product}» se non mi convince?",
        ),
        "answer": (
            "Ciao {name}, l'articolo «{product}» è di nuovo disponibile e viene spedito entro {days} giorni.",
            "Buongiorno {name}, l'articolo «{product}» ha due anni di garanzia e puoi restituirlo entro"
            " 30 giorni.",
            "Bella domanda, {name}! Il reso è gratuito entro 30 giorni, purché l'articolo sia nuovo e"
            " nella sua confezione.",
        ),
        "follow_up": (
            "Perfetto, allora lo ordino oggi.",
            "Grazie! C'è anche in un altro colore?",
            "Buono a sapersi, grazie mille.",
        ),
        "close": (
            "Con piacere. Buon acquisto!",
            "Trovi tutti i colori disponibili nella scheda prodotto. Buona giornata!",
            "Quando vuoi, {name}. Siamo qui per qualsiasi altra domanda.",
        ),
    },
    "complaint": {
        "opening": (
            "Il mio ordine {order} è arrivato danneggiato. Che delusione.",
            "Così non va: mi avete addebitato due volte l'ordine {order}.",
            "Il vostro corriere ha lasciato il pacco sotto la pioggia ed è tutto bagnato.",
        ),
        "answer": (
            "Mi dispiace moltissimo, {name}: non è l'esperienza che vogliamo offrirti. Ti mandiamo un"
            " articolo sostitutivo, spedito entro {days} giorni.",
            "Ci scusiamo, {name}. Ho controllato l'ordine {order} e rimborsato l'addebito doppio; lo"
            " vedrai entro {days} giorni lavorativi.",
            "Mi dispiace davvero, {name}. Puoi mandarci una foto? Lo sostituiamo subito.",
        ),
        "follow_up": (
            "Va bene, grazie per aver risolto così in fretta.",
            "D'accordo, ma stavolta mi aspetto che sia tutto a posto.",
            "Ho appena mandato la foto. Devo restituire l'articolo danneggiato?",
        ),
        "close": (
            "Capito. Ho segnalato il tuo ordine perché venga controllato prima della spedizione.",
            "Grazie per avercelo segnalato, e scusa ancora per il disagio.",
            "Grazie per la pazienza, {name}. Non serve restituire nulla.",
        ),
    },
    "thanks": {
        "opening": (
            "Volevo solo ringraziarvi, il mio ordine è arrivato con un giorno di anticipo!",
            "Grazie per l'aiuto di ieri, adesso funziona tutto.",
            "Adoro il mio acquisto, grazie!",
        ),
        "answer": (
            "Grazie mille per le tue parole, {name}! Ci hai fatto felici.",
            "Che bello sentirlo, {name}. Grazie per avercelo detto!",
            "Ottima notizia, {name}! Goditelo.",
        ),
        "follow_up": (
            "Ordinerò sicuramente di nuovo.",
            "Buona giornata!",
            "Grazie ancora!",
        ),
        "close": (
            "Ti aspettiamo. A presto!",
            "Anche a te, {name}!",
            "È sempre un piacere. A presto!",
        ),
    },
}
