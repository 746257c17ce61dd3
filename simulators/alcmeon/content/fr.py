"""Customer-service phrases in French: what customers write and what agents answer, per intent and turn."""

# Placeholders as in en.py. {product} carries its article ("la veste…"), so templates put it only where
# no contraction is needed (never after "de" or "à").

PRODUCTS = (
    "la veste de pluie Nova",
    "le sac à dos Trek 30",
    "les écouteurs sans fil Aria",
    "la housse de couette en lin",
    "la machine à expresso Solo",
)

# A customer asking again before anyone answered, whatever the intent.
REMINDERS = (
    "Bonjour ? J'attends toujours une réponse.",
    "Des nouvelles, s'il vous plaît ?",
    "Quelqu'un peut-il me répondre, s'il vous plaît ?",
)

PHRASES = {
    "order_status": {
        "opening": (
            "Bonjour, j'ai passé commande la semaine dernière et je n'ai aucune nouvelle. Où en est la"
            " commande n° {order} ?",
            "Bonjour ! Avez-vous des nouvelles de ma commande {order} ? Le suivi n'a pas bougé depuis"
            " deux jours.",
            "Bonsoir, pourriez-vous vérifier l'état de ma commande {order} s'il vous plaît ?",
            "Salut, je voulais savoir quand ma commande {order} sera expédiée. J'en ai besoin avant le"
            " week-end.",
        ),
        "answer": (
            "Bonjour {name}, merci pour votre patience. Votre commande {order} a quitté notre entrepôt"
            " hier et devrait vous parvenir sous {days} jours ouvrés.",
            "Bonjour {name}, j'ai vérifié : la commande {order} est chez le transporteur, livraison"
            " prévue d'ici {days} jours. Le lien de suivi est dans votre e-mail de confirmation.",
            "Bonjour {name}, votre commande {order} est en cours de préparation ; elle part aujourd'hui"
            " et arrivera dans {days} jours environ.",
        ),
        "follow_up": (
            "Super, merci. Le livreur me préviendra-t-il par SMS avant de passer ?",
            "D'accord, merci. Est-ce possible de la livrer en point relais ? Le livreur peut me joindre"
            " au {phone}.",
            "Parfait, c'est tout ce que je voulais savoir.",
        ),
        "close": (
            "J'ai ajouté une note à votre commande pour le transporteur. Excellente journée !",
            "Avec plaisir ! N'hésitez pas à nous écrire ici si besoin.",
            "Ravis d'avoir pu vous aider, {name}. Bonne réception !",
        ),
    },
    "late_delivery": {
        "opening": (
            "Ma commande {order} devait arriver il y a trois jours et je n'ai toujours rien reçu.",
            "Bonjour, la date de livraison de la commande {order} est dépassée et aucune trace du colis.",
            "Toujours pas de colis pour la commande {order}… il devait arriver lundi.",
        ),
        "answer": (
            "Nous sommes désolés pour l'attente, {name}. Le transporteur a du retard dans votre secteur ;"
            " la commande {order} sera livrée d'ici {days} jours.",
            "Toutes nos excuses, {name}. La commande {order} était bloquée au dépôt. J'ai demandé au"
            " transporteur de la traiter en priorité : elle arrivera sous {days} jours.",
            "Désolés pour ce retard, {name}. Si la commande {order} n'est pas arrivée dans {days} jours,"
            " nous vous en renvoyons une gratuitement.",
        ),
        "follow_up": (
            "Merci. Le livreur peut-il m'appeler au {phone} en arrivant ?",
            "D'accord. C'est un cadeau, alors j'espère que cette fois sera la bonne.",
            "Bon, je vais patienter encore quelques jours.",
        ),
        "close": (
            "C'est noté, j'ai transmis l'information au transporteur. Merci de votre compréhension !",
            "Entendu. Je surveille le colis et je reviens vers vous s'il prend encore du retard.",
            "Merci de votre patience, {name}. Bonne journée.",
        ),
    },
    "refund": {
        "opening": (
            "Bonjour, j'ai renvoyé {product} il y a deux semaines et je n'ai toujours pas reçu le remboursement.",
            "Bonjour, je souhaite un remboursement pour la commande {order}, la taille ne me va pas.",
            "Quand vais-je recevoir le remboursement de la commande {order} ? Le retour a été livré mardi dernier.",
        ),
        "answer": (
            "Bonjour {name}, nous avons bien reçu votre retour et le remboursement de la commande {order}"
            " est en cours. Comptez {days} jours ouvrés pour le voir sur votre relevé.",
            "Bonjour {name}, je viens de valider le remboursement de la commande {order}. Il apparaîtra"
            " sous {days} jours ouvrés sur la carte utilisée pour le paiement.",
            "Merci {name}. J'ai lancé le remboursement de la commande {order} ; vous recevrez un e-mail"
            " dès que la banque l'aura traité.",
        ),
        "follow_up": (
            "Merci. Pouvez-vous m'envoyer la confirmation à {email} ?",
            "Très bien. Les frais de livraison seront-ils remboursés aussi ?",
            "Merci, c'est rassurant.",
        ),
        "close": (
            "C'est fait, la confirmation est partie. Puis-je faire autre chose pour vous ?",
            "Oui, le montant total, livraison comprise, vous sera remboursé. Bonne journée !",
            "Je vous en prie, {name}. Merci pour votre confiance.",
        ),
    },
    "product_question": {
        "opening": (
            "Bonjour, avez-vous de nouveau du stock pour {product} ? C'est indisponible en ligne depuis"
            " un moment.",
            "Bonjour, quelle est la garantie pour {product} ?",
            "Petite question : puis-je retourner {product} si ça ne me convient pas ?",
        ),
        "answer": (
            "Bonjour {name}, nous avons reçu du stock pour {product} : l'expédition se fait sous"
            " {days} jours.",
            "Bonjour {name}, la garantie pour {product} est de deux ans, et vous disposez de 30 jours"
            " pour changer d'avis.",
            "Bonne question, {name} ! Le retour est gratuit pendant 30 jours, à condition que l'article"
            " soit neuf et dans son emballage.",
        ),
        "follow_up": (
            "Parfait, je commande aujourd'hui alors.",
            "Merci ! Existe-t-il dans une autre couleur ?",
            "Bon à savoir, merci beaucoup.",
        ),
        "close": (
            "Avec plaisir, bonne commande !",
            "Toutes les couleurs disponibles sont sur la fiche produit. Très belle journée !",
            "À votre service, {name}. Nous restons disponibles pour toute autre question.",
        ),
    },
    "complaint": {
        "opening": (
            "Ma commande {order} est arrivée abîmée. C'est vraiment décevant.",
            "Ça ne va pas du tout : on m'a débité deux fois pour la commande {order}.",
            "Votre livreur a laissé mon colis sous la pluie et tout est trempé.",
        ),
        "answer": (
            "Nous sommes vraiment désolés, {name}, ce n'est pas l'expérience que nous voulons vous offrir."
            " Je vous envoie un article de remplacement, expédié sous {days} jours.",
            "Toutes nos excuses, {name}. J'ai vérifié la commande {order} et remboursé le double"
            " prélèvement ; il apparaîtra sous {days} jours ouvrés.",
            "Nous sommes navrés, {name}. Pouvez-vous nous envoyer une photo ? Nous procédons au remplacement"
            " tout de suite.",
        ),
        "follow_up": (
            "D'accord, merci d'avoir réglé ça aussi vite.",
            "Bon, mais j'espère que ce sera correct cette fois.",
            "Je viens d'envoyer la photo. Dois-je renvoyer l'article abîmé ?",
        ),
        "close": (
            "Entendu. J'ai signalé votre commande pour qu'elle soit contrôlée avant l'envoi.",
            "Merci de nous l'avoir signalé, et encore désolés pour ce désagrément.",
            "Merci de votre patience, {name}. Inutile de nous renvoyer quoi que ce soit.",
        ),
    },
    "thanks": {
        "opening": (
            "Je voulais juste vous remercier, ma commande est arrivée un jour en avance !",
            "Merci pour votre aide d'hier, tout fonctionne maintenant.",
            "J'adore mon achat, merci !",
        ),
        "answer": (
            "Merci beaucoup pour votre message, {name} ! Ça nous fait très plaisir.",
            "Ravis de l'apprendre, {name}. Merci de nous l'avoir dit !",
            "Excellente nouvelle, {name} ! Profitez-en bien.",
        ),
        "follow_up": (
            "Je recommanderai sans hésiter.",
            "Bonne journée à vous !",
            "Merci encore !",
        ),
        "close": (
            "Au plaisir de vous revoir. Prenez soin de vous !",
            "À vous aussi, {name} !",
            "Toujours un plaisir. À bientôt !",
        ),
    },
}
