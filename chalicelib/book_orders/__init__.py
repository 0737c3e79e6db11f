"""Book Orders: a chat customer's goods booked at the CS desk until a payment deadline, paid by a
bank transfer of a unique amount (the kode unik), then made a sale and shipped."""
