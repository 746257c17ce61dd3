"""Customer-service phrases in English: what customers write and what agents answer, per intent and turn."""

# Placeholders: {order} order number, {days} working days, {product} a catalogue item, {name} how the
# agent addresses the customer, {email} and {phone} the customer's own details.

PRODUCTS = (
    "Nova rain jacket",
    "Trek 30 backpack",
    "Aria wireless earbuds",
    "linen duvet cover",
    "Solo espresso machine",
)

# A customer asking again before anyone answered, whatever the intent.
REMINDERS = (
    "Hello? I'm still waiting for an answer.",
    "Any update on this, please?",
    "Could someone get back to me, please?",
)

PHRASES = {
    "order_status": {
        "opening": (
            "Hi, I placed an order last week and haven't heard anything since. Where is order {order}?",
            "Hello! Any news on my order {order}? The tracking page hasn't moved in two days.",
            "Hi there, could you check the status of order {order} for me please?",
            "Hey, just wondering when my order {order} will ship. I need it before the weekend.",
        ),
        "answer": (
            "Hi {name}, thanks for your patience. Order {order} left our warehouse yesterday and should"
            " reach you within {days} working days.",
            "Hello {name}, I've checked: order {order} is with the carrier and is expected in {days} days."
            " The tracking link is in your confirmation email.",
            "Hi {name}, order {order} is being packed right now; it ships today and should arrive in"
            " about {days} days.",
        ),
        "follow_up": (
            "Great, thanks. Will the courier text me before coming?",
            "OK, thank you. Could it go to a pickup point instead? The courier can reach me on {phone}.",
            "Perfect, that's all I needed to know.",
        ),
        "close": (
            "I've added a note to your order so the carrier has it. Have a lovely day!",
            "You're welcome! Message us here if anything changes.",
            "Glad I could help, {name}. Enjoy your order!",
        ),
    },
    "late_delivery": {
        "opening": (
            "My order {order} was due three days ago and it still hasn't arrived. What's going on?",
            "Hi, the delivery date for order {order} has passed and there's no sign of the parcel.",
            "Still waiting for order {order}... it was supposed to be here on Monday.",
        ),
        "answer": (
            "I'm sorry about the wait, {name}. The carrier has a backlog in your area; order {order}"
            " is now scheduled for delivery within {days} days.",
            "Apologies, {name}. Order {order} was held at the depot. I've asked the carrier to"
            " prioritise it, and it should reach you within {days} days.",
            "Sorry for the delay, {name}. If order {order} hasn't arrived in {days} days, we'll send a"
            " replacement free of charge.",
        ),
        "follow_up": (
            "Thanks. Could the driver call me on {phone} when they're close?",
            "OK. It's a gift, so please make sure it really comes this time.",
            "Alright, I'll wait a few more days then.",
        ),
        "close": (
            "Noted, I've passed that on to the carrier. Thanks for your understanding!",
            "Understood. I'll keep an eye on the parcel and come back to you if it stalls again.",
            "Thank you for bearing with us, {name}. Have a good day.",
        ),
    },
    "refund": {
        "opening": (
            "Hi, I sent back the {product} two weeks ago and I still haven't been refunded.",
            "Hello, I'd like a refund for order {order}; the item doesn't fit.",
            "When will I get my money back for order {order}? The return was delivered last Tuesday.",
        ),
        "answer": (
            "Hi {name}, your return has been received and the refund for order {order} is on its way."
            " It takes {days} working days to show on your statement.",
            "Hello {name}, I've just approved the refund for order {order}. You'll see it within"
            " {days} working days on the card you paid with.",
            "Thanks {name}. I've started the refund for order {order}; you'll get an email as soon as"
            " the bank has processed it.",
        ),
        "follow_up": (
            "Thank you. Can you send the confirmation to {email}?",
            "OK, great. Will the delivery costs be refunded too?",
            "Thanks, that's a relief.",
        ),
        "close": (
            "Done, the confirmation is on its way. Is there anything else I can do for you?",
            "Yes, the full amount, delivery included, will be refunded. Have a nice day!",
            "You're welcome, {name}. Thanks for shopping with us.",
        ),
    },
    "product_question": {
        "opening": (
            "Hi, is the {product} back in stock? It's been unavailable online for a while.",
            "Hello, what's the warranty on the {product}?",
            "Quick question: can I return the {product} if it doesn't suit me?",
        ),
        "answer": (
            "Hi {name}, the {product} is back in stock and ships within {days} days.",
            "Hello {name}, the {product} comes with a two-year warranty, and you can return it within"
            " 30 days.",
            "Good question, {name}! The {product} can be returned free of charge within 30 days, unused"
            " and in its box.",
        ),
        "follow_up": (
            "Perfect, I'll order it today then.",
            "Thanks! Do you also have it in another colour?",
            "Good to know, thank you.",
        ),
        "close": (
            "Happy to help. Enjoy your {product}!",
            "You'll find every colour available on its product page. Have a great day!",
            "Anytime, {name}. We're here if you have any other questions.",
        ),
    },
    "complaint": {
        "opening": (
            "The {product} I received is damaged. Really disappointed.",
            "I'm not happy at all: I was charged twice for order {order}.",
            "Your courier left my parcel in the rain and the {product} is ruined.",
        ),
        "answer": (
            "I'm very sorry, {name}, that's not the experience we want you to have. I've arranged a"
            " replacement, which ships within {days} days.",
            "Apologies, {name}. I've checked order {order} and refunded the duplicate charge; it will"
            " show within {days} working days.",
            "I'm really sorry about this, {name}. Could you send us a photo? We'll replace it right away.",
        ),
        "follow_up": (
            "OK, thank you for sorting it out so quickly.",
            "Fine, but I expect it to be right this time.",
            "I've just sent the photo. Do I need to return the damaged one?",
        ),
        "close": (
            "Understood. I've flagged your order so the team checks it before it leaves.",
            "Thank you for letting us know, and sorry again for the trouble.",
            "Thanks for your patience, {name}. You don't need to send anything back.",
        ),
    },
    "thanks": {
        "opening": (
            "Just wanted to say thank you, my order arrived a day early!",
            "Thanks for the help yesterday, everything works now.",
            "Loving my new {product}, thank you!",
        ),
        "answer": (
            "Thank you for your kind words, {name}! That made our day.",
            "So glad to hear it, {name}. Thanks for letting us know!",
            "That's great news, {name}! Enjoy it.",
        ),
        "follow_up": (
            "I'll definitely order again.",
            "Have a great day!",
            "Thanks again!",
        ),
        "close": (
            "We look forward to it. Take care!",
            "You too, {name}!",
            "Always a pleasure. See you soon!",
        ),
    },
}
