"""Customer-service phrases in (Brazilian) Portuguese: what customers write and agents answer, per intent."""

# Placeholders as in en.py. {product} is a bare name, set in quotes after "produto", so no article or
# contraction has to agree with it.

PRODUCTS = (
    "Jaqueta impermeável Nova",
    "Mochila Trek 30",
    "Fones sem fio Aria",
    "Capa de edredom de linho",
    "Cafeteira expresso Solo",
)

# A customer asking again before anyone answered, whatever the intent.
REMINDERS = (
    "Oi? Ainda estou esperando uma resposta.",
    "Alguma novidade, por favor?",
    "Alguém pode me responder, por favor?",
)

PHRASES = {
    "order_status": {
        "opening": (
            "Oi, fiz um pedido na semana passada e não tive mais notícias. Onde está o pedido {order}?",
            "Olá! Alguma novidade do meu pedido {order}? O rastreio está parado há dois dias.",
            "Boa tarde, vocês podem verificar o status do pedido {order}, por favor?",
            "Oi, quando o meu pedido {order} vai ser enviado? Preciso dele antes do fim de semana.",
        ),
        "answer": (
            "Olá, {name}! Agradecemos a paciência. Seu pedido {order} saiu do nosso centro de"
            " distribuição ontem e deve chegar em até {days} dias úteis.",
            "Oi, {name}. Verifiquei: o pedido {order} já está com a transportadora e a previsão é de"
            " {days} dias. O link de rastreio está no seu e-mail de confirmação.",
            "Olá, {name}! Seu pedido {order} está sendo embalado agora; ele sai hoje e chega em cerca"
            " de {days} dias.",
        ),
        "follow_up": (
            "Ótimo, valeu. Vou receber um SMS antes da entrega?",
            "Tá bom, valeu. Dá para entregar em um ponto de retirada? O entregador pode me ligar no {phone}.",
            "Perfeito, era só isso que eu queria saber.",
        ),
        "close": (
            "Deixei uma observação no pedido para a transportadora. Tenha um ótimo dia!",
            "Por nada! Se algo mudar, é só escrever aqui.",
            "Que bom que pude ajudar, {name}. Aproveite sua compra!",
        ),
    },
    "late_delivery": {
        "opening": (
            "Meu pedido {order} era para chegar há três dias e até agora nada.",
            "Olá, a data de entrega do pedido {order} já passou e nem sinal do pacote.",
            "Ainda estou esperando o pedido {order}… era para chegar na segunda.",
        ),
        "answer": (
            "Sinto muito pela espera, {name}. A transportadora está com atrasos na sua região; o pedido"
            " {order} será entregue em até {days} dias.",
            "Peço desculpas, {name}. O pedido {order} ficou retido no centro de distribuição. Pedi"
            " prioridade à transportadora e ele chega em até {days} dias.",
            "Desculpe o atraso, {name}. Se o pedido {order} não chegar em {days} dias, enviamos outro sem"
            " custo.",
        ),
        "follow_up": (
            "Valeu. O entregador pode me ligar no {phone} quando estiver perto?",
            "Tá. É um presente, então espero que desta vez chegue mesmo.",
            "Tudo bem, vou esperar mais alguns dias.",
        ),
        "close": (
            "Anotado, já repassei para a transportadora. Agradecemos a compreensão!",
            "Entendido. Vou acompanhar o pacote e te aviso se atrasar de novo.",
            "Agradecemos a paciência, {name}. Tenha um bom dia.",
        ),
    },
    "refund": {
        "opening": (
            "Oi, devolvi o produto “{product}” há duas semanas e ainda não recebi o reembolso.",
            "Olá, quero o reembolso do pedido {order}; o tamanho não serviu.",
            "Quando vou receber o reembolso do pedido {order}? A devolução chegou aí na terça passada.",
        ),
        "answer": (
            "Olá, {name}! Recebemos sua devolução e o reembolso do pedido {order} está em andamento. Leva"
            " {days} dias úteis para aparecer na sua fatura.",
            "Oi, {name}. Acabei de aprovar o reembolso do pedido {order}. Ele aparece em até {days} dias"
            " úteis no cartão usado na compra.",
            "Certo, {name}. Iniciei o reembolso do pedido {order}; você recebe um e-mail assim que o"
            " banco processar.",
        ),
        "follow_up": (
            "Valeu. Podem mandar a confirmação para {email}?",
            "Certo. O frete também vai ser reembolsado?",
            "Valeu, isso me tranquiliza.",
        ),
        "close": (
            "Pronto, a confirmação já foi enviada. Posso ajudar em mais alguma coisa?",
            "Sim, o valor total, com frete, será reembolsado. Tenha um bom dia!",
            "Por nada, {name}. Agradecemos por comprar com a gente.",
        ),
    },
    "product_question": {
        "opening": (
            "Oi, o produto “{product}” vai voltar ao estoque? Faz tempo que está indisponível no site.",
            "Olá, qual é a garantia do produto “{product}”?",
            "Pergunta rápida: posso devolver o produto “{product}” se não gostar?",
        ),
        "answer": (
            "Oi, {name}! O produto “{product}” já voltou ao estoque, e o envio é feito em até {days} dias.",
            "Olá, {name}. A garantia é de dois anos, e você tem 30 dias para devolver se mudar de ideia.",
            "Boa pergunta, {name}! A devolução é grátis em até 30 dias, com o produto sem uso e na"
            " embalagem.",
        ),
        "follow_up": (
            "Perfeito, então vou comprar hoje.",
            "Valeu! Tem em outra cor também?",
            "Bom saber, valeu mesmo.",
        ),
        "close": (
            "Imagina! Boas compras!",
            "Todas as cores disponíveis estão na página do produto. Tenha um ótimo dia!",
            "Sempre que precisar, {name}. Estamos aqui para qualquer outra dúvida.",
        ),
    },
    "complaint": {
        "opening": (
            "Meu pedido {order} chegou danificado. Que decepção.",
            "Assim não dá: cobraram duas vezes o pedido {order}.",
            "O entregador deixou meu pacote na chuva e está tudo molhado.",
        ),
        "answer": (
            "Sinto muito mesmo, {name}; não é essa a experiência que queremos oferecer. Vamos enviar um"
            " produto novo, que sai em até {days} dias.",
            "Peço desculpas, {name}. Verifiquei o pedido {order} e estornei a cobrança em duplicidade;"
            " ela aparece em até {days} dias úteis.",
            "Sinto muito, {name}. Pode nos mandar uma foto? Fazemos a troca na hora.",
        ),
        "follow_up": (
            "Tá bom, valeu por resolver tão rápido.",
            "Certo, mas espero que desta vez venha tudo certo.",
            "Acabei de mandar a foto. Preciso devolver o produto danificado?",
        ),
        "close": (
            "Entendido. Marquei seu pedido para ser conferido antes do envio.",
            "Agradecemos o aviso, e desculpe mais uma vez pelo transtorno.",
            "Agradecemos a paciência, {name}. Não precisa devolver nada.",
        ),
    },
    "thanks": {
        "opening": (
            "Só queria agradecer, meu pedido chegou um dia antes!",
            "Valeu pela ajuda de ontem, agora está tudo funcionando.",
            "Amei minha compra, valeu!",
        ),
        "answer": (
            "Muito obrigado pelo carinho, {name}! Você fez o nosso dia.",
            "Que bom saber, {name}. Obrigado por contar pra gente!",
            "Que ótima notícia, {name}! Aproveite.",
        ),
        "follow_up": (
            "Com certeza vou comprar de novo.",
            "Tenham um ótimo dia!",
            "Valeu mais uma vez!",
        ),
        "close": (
            "Vamos adorar. Um abraço!",
            "Pra você também, {name}!",
            "É sempre um prazer. Até logo!",
        ),
    },
}
