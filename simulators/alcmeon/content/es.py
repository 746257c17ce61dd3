"""Customer-service phrases in Spanish: what customers write and what agents answer, per intent and turn."""

# Placeholders as in en.py. {product} carries its article ("la chaqueta…"), so templates put it only
# where no contraction is needed (never after "de" or "a").

PRODUCTS = (
    "la chaqueta impermeable Nova",
    "la mochila Trek 30",
    "los auriculares inalámbricos Aria",
    "la funda nórdica de lino",
    "la cafetera espresso Solo",
)

# A customer asking again before anyone answered, whatever the intent.
REMINDERS = (
    "¿Hola? Sigo esperando una respuesta.",
    "¿Hay alguna novedad, por favor?",
    "¿Alguien me puede responder, por favor?",
)

PHRASES = {
    "order_status": {
        "opening": (
            "Hola, hice un pedido la semana pasada y no sé nada desde entonces. ¿Dónde está el pedido"
            " {order}?",
            "¡Buenas! ¿Hay novedades de mi pedido {order}? El seguimiento no se ha movido en dos días.",
            "Hola, ¿podrían revisar el estado del pedido {order}, por favor?",
            "Hola, ¿cuándo sale mi pedido {order}? Lo necesito antes del fin de semana.",
        ),
        "answer": (
            "Hola, {name}. Gracias por tu paciencia. Tu pedido {order} salió ayer de nuestro almacén y"
            " debería llegarte en {days} días laborables.",
            "Hola, {name}. Lo he comprobado: el pedido {order} ya está con la empresa de transporte y"
            " llegará en unos {days} días. Tienes el enlace de seguimiento en el correo de confirmación.",
            "Hola, {name}. Estamos preparando tu pedido {order}; sale hoy y llegará en {days} días"
            " aproximadamente.",
        ),
        "follow_up": (
            "Genial, gracias. ¿Me avisarán por SMS antes de la entrega?",
            "Vale, gracias. ¿Se puede enviar a un punto de recogida? El repartidor me puede llamar al"
            " {phone}.",
            "Perfecto, era todo lo que quería saber.",
        ),
        "close": (
            "He añadido una nota al pedido para la empresa de transporte. ¡Que tengas un buen día!",
            "¡De nada! Escríbenos por aquí si cambia algo.",
            "Me alegro de haberte ayudado, {name}. ¡Disfruta de tu pedido!",
        ),
    },
    "late_delivery": {
        "opening": (
            "Mi pedido {order} tenía que llegar hace tres días y sigo sin recibirlo.",
            "Hola, ya pasó la fecha de entrega del pedido {order} y no hay rastro del paquete.",
            "Sigo esperando el pedido {order}… tenía que llegar el lunes.",
        ),
        "answer": (
            "Siento mucho la espera, {name}. La empresa de transporte acumula retrasos en tu zona; el"
            " pedido {order} se entregará en los próximos {days} días.",
            "Disculpa, {name}. El pedido {order} se quedó retenido en el almacén. He pedido que le den"
            " prioridad y llegará en {days} días.",
            "Perdona el retraso, {name}. Si el pedido {order} no ha llegado en {days} días, te enviamos"
            " otro sin coste.",
        ),
        "follow_up": (
            "Gracias. ¿El repartidor puede llamarme al {phone} cuando esté cerca?",
            "Vale. Es un regalo, así que espero que esta vez llegue de verdad.",
            "Bueno, esperaré unos días más.",
        ),
        "close": (
            "Anotado, se lo he pasado a la empresa de transporte. ¡Gracias por tu comprensión!",
            "Entendido. Sigo de cerca el paquete y te escribo si vuelve a retrasarse.",
            "Gracias por tu paciencia, {name}. Que tengas un buen día.",
        ),
    },
    "refund": {
        "opening": (
            "Hola, devolví {product} hace dos semanas y todavía no me han hecho el reembolso.",
            "Hola, quiero el reembolso del pedido {order}; la talla no me queda bien.",
            "¿Cuándo me devolvéis el dinero del pedido {order}? La devolución os llegó el martes pasado.",
        ),
        "answer": (
            "Hola, {name}. Hemos recibido tu devolución y el reembolso del pedido {order} está en"
            " marcha. Tardará {days} días laborables en aparecer en tu cuenta.",
            "Hola, {name}. Acabo de aprobar el reembolso del pedido {order}. Lo verás en {days} días"
            " laborables en la tarjeta con la que pagaste.",
            "Gracias, {name}. He iniciado el reembolso del pedido {order}; te llegará un correo en cuanto"
            " el banco lo procese.",
        ),
        "follow_up": (
            "Gracias. ¿Podéis enviarme la confirmación a {email}?",
            "Muy bien. ¿También me devolvéis los gastos de envío?",
            "Gracias, eso me tranquiliza.",
        ),
        "close": (
            "Hecho, la confirmación va de camino. ¿Puedo ayudarte en algo más?",
            "Sí, te devolvemos el importe completo, envío incluido. ¡Buen día!",
            "De nada, {name}. Gracias por confiar en nosotros.",
        ),
    },
    "product_question": {
        "opening": (
            "Hola, ¿volvéis a tener stock de {product}? Lleva tiempo sin estar disponible en la web.",
            "Hola, ¿qué garantía tiene {product}?",
            "Una pregunta rápida: ¿puedo devolver {product} si no me convence?",
        ),
        "answer": (
            "Hola, {name}. Ya tenemos stock de {product} y se envía en {days} días.",
            "Hola, {name}. La garantía de {product} es de dos años, y tienes 30 días para devolver el"
            " artículo si cambias de opinión.",
            "¡Buena pregunta, {name}! La devolución es gratuita durante 30 días, sin usar y en su caja.",
        ),
        "follow_up": (
            "Perfecto, entonces lo pido hoy.",
            "¡Gracias! ¿Lo tenéis también en otro color?",
            "Bueno saberlo, muchas gracias.",
        ),
        "close": (
            "Un placer ayudarte. ¡Que lo disfrutes!",
            "Tienes todos los colores disponibles en la ficha del producto. ¡Buen día!",
            "Cuando quieras, {name}. Aquí estamos para cualquier otra duda.",
        ),
    },
    "complaint": {
        "opening": (
            "Mi pedido {order} llegó dañado. Qué decepción.",
            "Esto no puede ser: me habéis cobrado dos veces el pedido {order}.",
            "Vuestro repartidor dejó el paquete bajo la lluvia y está todo empapado.",
        ),
        "answer": (
            "Lo siento muchísimo, {name}; no es la experiencia que queremos darte. Te enviamos un"
            " producto de sustitución, que sale en {days} días.",
            "Disculpa, {name}. He revisado el pedido {order} y he devuelto el cargo duplicado; lo verás"
            " en {days} días laborables.",
            "Lo siento de verdad, {name}. ¿Nos mandas una foto? Lo sustituimos enseguida.",
        ),
        "follow_up": (
            "Vale, gracias por solucionarlo tan rápido.",
            "Bien, pero espero que esta vez llegue todo correcto.",
            "Acabo de enviar la foto. ¿Tengo que devolver el producto dañado?",
        ),
        "close": (
            "Entendido. He marcado tu pedido para que lo revisen antes de enviarlo.",
            "Gracias por avisarnos, y perdona otra vez las molestias.",
            "Gracias por tu paciencia, {name}. No hace falta que devuelvas nada.",
        ),
    },
    "thanks": {
        "opening": (
            "Solo quería daros las gracias, ¡mi pedido llegó un día antes!",
            "Gracias por la ayuda de ayer, ya funciona todo.",
            "¡Me encanta mi compra, gracias!",
        ),
        "answer": (
            "¡Muchas gracias por tus palabras, {name}! Nos alegra el día.",
            "¡Qué bien, {name}! Gracias por contárnoslo.",
            "¡Es una gran noticia, {name}! Que lo disfrutes.",
        ),
        "follow_up": (
            "Seguro que vuelvo a comprar.",
            "¡Que tengáis un buen día!",
            "¡Gracias otra vez!",
        ),
        "close": (
            "Te esperamos. ¡Cuídate!",
            "¡Igualmente, {name}!",
            "Siempre es un placer. ¡Hasta pronto!",
        ),
    },
}
